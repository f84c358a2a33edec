import Foundation
import Testing

@Suite("Progress output")
struct ProgressLineTests {
    @Test("50 epochs off a TTY print the first, every 3rd and the last epoch's line (18 lines), not 50")
    func epochLines() throws {
        let tmp = TempDir()
        let config = tmp.path("long.yaml")
        try """
        experiment: progress
        seed: 1
        data: {source: xor, size: 64, validation: 0.25}
        model: {depth: 1, width: 4, activation: tanh}
        optimizer: {type: sgd, lr: 0.1}
        epochs: 50
        batch_size: 16
        logging: {checkpoint_every: 25}
        """.write(toFile: config, atomically: true, encoding: .utf8)
        let r = try CLI.run(["train", config, "--db", tmp.path("p.db")])
        #expect(r.status == 0, "\(r.stderr)")
        let epochs = r.stdout.split(separator: "\n").compactMap { line -> Int? in
            guard let range = line.range(of: " epoch ") else { return nil }
            return Int(line[range.upperBound...].prefix { $0.isNumber })
        }
        let expected = (1...50).filter { $0 == 1 || $0 == 50 || $0 % 3 == 0 }
        #expect(epochs == expected, "\(r.stdout)")
        #expect(r.stdout.contains("■ run"))
    }
}

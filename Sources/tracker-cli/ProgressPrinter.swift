import Foundation
import Tracker
import Trainer

/// Progress on the terminal: a live bar per run on a TTY; epoch lines for at most about
/// `epochLines` epochs of a run (the first, every n-th and the last), so 200 epochs do not
/// print 200 lines. Alerts and the final line are always printed.
final class ProgressPrinter: ProgressReporter {
    static let epochLines = 20

    /// Whether epoch `epoch` (1-based) of `epochs` gets a line of its own.
    static func printsLine(epoch: Int, of epochs: Int) -> Bool {
        let every = max(1, (epochs + epochLines - 1) / epochLines)
        return epoch <= 1 || epoch >= epochs || epoch % every == 0
    }

    private let live = Console.stdoutIsTTY
    private var lastDraw = 0.0
    private var epochs = 0
    private var stepsPerEpoch = 0
    private var startTime = 0.0
    private var startStep = 0
    private var lastValAcc: Double?
    private var name = ""

    func report(_ update: ProgressUpdate) {
        switch update {
        case .started(let runID, let name, let epochs, let steps, let resumedAt):
            self.name = name; self.epochs = epochs; stepsPerEpoch = steps
            startTime = Date().timeIntervalSince1970; startStep = resumedAt ?? 0; lastValAcc = nil
            Console.out("▶ run \(runID) \(name): \(epochs) epochs × \(steps) steps" + (resumedAt.map { ", resumed at step \($0)" } ?? ""))
        case .step(let runID, let epoch, let step, let loss, let rate):
            guard live else { return }
            let now = Date().timeIntervalSince1970
            guard now - lastDraw > 0.1 else { return }
            lastDraw = now
            let total = epochs * stepsPerEpoch
            let done = Double(step - startStep) / max(1, now - startTime)
            let eta = done > 0 ? Double(total - step) / done : 0
            let width = 20, filled = total > 0 ? min(width, width * step / total) : 0
            let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
            let val = lastValAcc.map { String(format: " val_acc %.4f", $0) } ?? ""
            FileHandle.standardOutput.write(Data(String(format: "\r  %@ %@ epoch %d/%d step %d loss %.4f%@ %.0f samples/s ETA %@\u{1B}[K",
                                                        runID, bar, epoch, epochs, step, loss, val, rate, Format.duration(eta)).utf8))
        case .epoch(let runID, let epoch, let step, let metrics):
            lastValAcc = metrics["val_acc"] ?? lastValAcc
            guard Self.printsLine(epoch: epoch, of: epochs) else { return }
            if live { FileHandle.standardOutput.write(Data("\r\u{1B}[K".utf8)) }
            let keys = ["train_loss", "train_acc", "val_loss", "val_acc", "samples_per_s"]
            let parts = keys.compactMap { k in metrics[k].map { "\(k) \(Format.number($0))" } }
            Console.out("  \(runID) epoch \(epoch)/\(epochs) step \(step): " + parts.joined(separator: "  "))
        case .event(let runID, let event):
            if live { FileHandle.standardOutput.write(Data("\r\u{1B}[K".utf8)) }
            Console.out("  \(runID) \(event.level == .info ? "·" : "⚠") \(event.kind): \(event.message)")
        case .finished(let runID, let status, let metrics):
            if live { FileHandle.standardOutput.write(Data("\r\u{1B}[K".utf8)) }
            let parts = ["test_acc", "val_acc", "train_acc"].compactMap { k in metrics[k].map { "\(k) \(Format.number($0))" } }
            Console.out("■ run \(runID) \(name): \(status.rawValue) after \(Format.duration(Date().timeIntervalSince1970 - startTime))" + (parts.isEmpty ? "" : " — " + parts.joined(separator: "  ")))
        }
    }
}

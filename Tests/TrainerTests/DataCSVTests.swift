import Foundation
import Testing
import Tracker
@testable import Trainer

@Suite("CSV files as RFC 4180 has them")
struct DataCSVTests {
    @Test("header names and fields are trimmed: `x1, x2, label` loads by name")
    func trimmedHeader() throws {
        let data = try CSVLoader.parse("x1, x2, label\n0.5, 1.5, 1\n 2 ,3, 0\n", label: .name("label"))
        #expect(data.count == 2)
        #expect(data.numClasses == 2)
        #expect(Array(data.x) == [0.5, 1.5, 2, 3])
    }

    @Test("quoted fields hold commas, doubled quotes and line breaks; line numbers count the breaks inside quotes")
    func quoting() throws {
        let text = "a,\"b, with comma\",label\r\n1,2,\"cat \"\"x\"\"\"\n3,4,\"dog\r\nline\"\n5,6,cat \"x\"\n7,x,dog\n"
        let records = try CSVRecords.parse(text)
        #expect(records.map(\.fields) == [["a", "b, with comma", "label"], ["1", "2", "cat \"x\""], ["3", "4", "dog\r\nline"], ["5", "6", "cat \"x\""], ["7", "x", "dog"]])
        #expect(records.map(\.line) == [1, 2, 3, 5, 6])
        #expect {
            try CSVLoader.parse(text, path: "q.csv", label: .name("label"))
        } throws: { ($0 as? DataError)?.errorDescription?.contains("q.csv:6:") == true }
    }

    @Test("an unclosed quote and text after a closing quote are errors naming the line")
    func badQuotes() {
        #expect(throws: CSVRecords.Failure.unterminatedQuote(line: 2)) { try CSVRecords.parse("a,b\n1,\"2\n3,4\n") }
        #expect(throws: CSVRecords.Failure.textAfterQuote(line: 1)) { try CSVRecords.parse("\"a\"b,c\n") }
        #expect {
            try CSVLoader.parse("a,b\n1,\"2\n", path: "u.csv", label: .index(1))
        } throws: { ($0 as? DataError)?.errorDescription?.contains("u.csv:2:") == true }
    }

    @Test("what CSV.table writes (commas, quotes, \\r\\n, \\r, \\n, Unicode in fields) reads back field for field (seeded, 300 tables)")
    func roundTrip() throws {
        var rng = RandomStream(seed: 42, name: "csv")
        let alphabet: [String] = ["a", "Z", "0", "9", ",", "\"", "\n", "\r", "\r\n", " ", "é", "😀", "x y", "-1.5"]
        for _ in 0..<300 {
            let width = 1 + Int.random(in: 0..<5, using: &rng)
            let rows = (0..<(1 + Int.random(in: 0..<6, using: &rng))).map { _ in
                (0..<width).map { _ in
                    // Non-empty, no spaces at the ends (those are trimmed in unquoted fields by design).
                    "k" + (0..<Int.random(in: 0..<6, using: &rng)).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &rng)] }.joined() + "k"
                }
            }
            let text = CSV.table(rows[0], Array(rows.dropFirst()))
            let back = try CSVRecords.parse(text).map(\.fields)
            #expect(back == rows, "\(text.debugDescription)")
        }
    }

    @Test("export quotes a field holding \\r\\n (one Character in Swift)")
    func exportQuotesCRLF() {
        #expect(CSV.field("a\r\nb") == "\"a\r\nb\"")
        #expect(CSV.field("plain") == "plain")
    }
}


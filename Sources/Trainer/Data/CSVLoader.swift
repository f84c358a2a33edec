import Foundation

/// Loads a user's CSV file: numeric feature columns and one label (or target) column.
///
/// RFC 4180 (`CSVRecords`): comma-separated, one sample a record; blank lines are skipped,
/// `\r\n` endings accepted, quoted fields may hold commas, line breaks and doubled quotes;
/// spaces around fields and header names are ignored (`x1, x2, label`). The header is optional:
/// when not told, the first line is a header if any of its fields is not a number.
/// Classification labels are either non-negative integers (the class ids) or names, mapped
/// to ids in sorted order. Every bad row is an error naming its line number.
public enum CSVLoader {
    /// The column holding labels or targets: by 0-based index or by header name.
    public enum LabelColumn: Sendable, Equatable, Codable {
        case index(Int)
        case name(String)

        public init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let index = try? container.decode(Int.self) { self = .index(index); return }
            self = .name(try container.decode(String.self))
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case let .index(i): try container.encode(i)
            case let .name(n): try container.encode(n)
            }
        }
    }

    public enum Task: String, Sendable, Codable { case classification, regression }

    /// Reads and parses `path`.
    public static func load(path: String, label: LabelColumn, header: Bool? = nil,
                            task: Task = .classification) throws -> Dataset {
        guard let data = FileManager.default.contents(atPath: path) else {
            let reason = FileManager.default.fileExists(atPath: path) ? "permission denied" : "no such file"
            throw DataError.unreadableFile(path: path, reason: reason)
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw DataError.badCSV(path: path, reason: "is not UTF-8 text")
        }
        return try parse(text, path: path, label: label, header: header, task: task)
    }

    /// Parses CSV text; `path` names the source in errors.
    public static func parse(_ text: String, path: String = "<csv>", label: LabelColumn, header: Bool? = nil,
                             task: Task = .classification) throws -> Dataset {
        let rows: [(line: Int, fields: [String])]
        do {
            rows = try CSVRecords.parse(text).map { ($0.line, $0.fields) }
        } catch let .unterminatedQuote(line) {
            throw DataError.badRow(path: path, line: line, reason: "a quoted field opened here is never closed")
        } catch let .textAfterQuote(line) {
            throw DataError.badRow(path: path, line: line, reason: "text after a closing quote (a quote inside a quoted field is written \"\")")
        }
        guard let first = rows.first else { throw DataError.badCSV(path: path, reason: "has no rows") }
        let hasHeader: Bool
        if let header { hasHeader = header } else if case .name = label { hasHeader = true } else {
            hasHeader = first.fields.contains { Float($0) == nil }
        }
        let width = first.fields.count
        guard width >= 2 else {
            throw DataError.badCSV(path: path, reason: "needs at least two columns (features and a label), found \(width)")
        }
        let labelIndex: Int
        switch label {
        case let .index(i):
            guard (0..<width).contains(i) else {
                throw DataError.invalidSpec(key: "label", reason: "column \(i) does not exist; \(path) has columns 0..<\(width)")
            }
            labelIndex = i
        case let .name(name):
            let wanted = name.trimmingCharacters(in: .whitespaces)
            guard hasHeader, let i = first.fields.firstIndex(where: { $0.trimmingCharacters(in: .whitespaces) == wanted }) else {
                let known = hasHeader ? first.fields.joined(separator: ", ") : "none (no header)"
                throw DataError.invalidSpec(key: "label", reason: "column \"\(name)\" is not in \(path); columns: \(known)")
            }
            labelIndex = i
        }
        let names = hasHeader ? first.fields.map { $0.trimmingCharacters(in: .whitespaces) } : (0..<width).map { "column \($0)" }
        let body = hasHeader ? rows.dropFirst() : rows[...]
        guard !body.isEmpty else { throw DataError.badCSV(path: path, reason: "has a header but no data rows") }

        var x: [Float] = []
        x.reserveCapacity(body.count * (width - 1))
        var rawLabels: [String] = []
        var targets: [Float] = []
        for (line, fields) in body {
            guard fields.count == width else {
                throw DataError.badRow(path: path, line: line, reason: "expected \(width) fields, found \(fields.count)")
            }
            for (j, field) in fields.enumerated() {
                if j == labelIndex {
                    if task == .classification { rawLabels.append(field); continue }
                    targets.append(try number(field, column: names[j], line: line, path: path))
                } else {
                    x.append(try number(field, column: names[j], line: line, path: path))
                }
            }
        }
        let name = (path as NSString).lastPathComponent
        if task == .regression {
            return try Dataset(name: name, features: width - 1, x: x, targets: targets, targetWidth: 1)
        }
        let (labels, numClasses) = try classIDs(rawLabels, lines: body.map(\.line), path: path)
        return try Dataset(name: name, features: width - 1, x: x, labels: labels, numClasses: numClasses)
    }

    static func classIDs(_ raw: [String], lines: [Int], path: String) throws -> ([Int32], Int) {
        let integers = raw.map { Int32($0.trimmingCharacters(in: .whitespaces)) }
        if integers.allSatisfy({ $0 != nil }) {
            let ids = integers.compactMap { $0 }
            if let i = ids.firstIndex(where: { $0 < 0 }) {
                throw DataError.badRow(path: path, line: lines[i], reason: "class label \(ids[i]) is negative")
            }
            let numClasses = Int(ids.max() ?? 0) + 1
            guard numClasses <= 100_000 else {
                throw DataError.badCSV(path: path, reason: "class label \(numClasses - 1) implies too many classes")
            }
            return (ids, numClasses)
        }
        let trimmed = raw.map { $0.trimmingCharacters(in: .whitespaces) }
        if let i = trimmed.firstIndex(of: "") {
            throw DataError.badRow(path: path, line: lines[i], reason: "the label is empty")
        }
        let classes = Array(Set(trimmed)).sorted()
        let ids = Dictionary(uniqueKeysWithValues: classes.enumerated().map { ($1, Int32($0)) })
        return (trimmed.map { ids[$0] ?? 0 }, classes.count)
    }

    static func number(_ field: String, column: String, line: Int, path: String) throws -> Float {
        let trimmed = field.trimmingCharacters(in: .whitespaces)
        guard let value = Float(trimmed) else {
            throw DataError.badRow(path: path, line: line, reason: "\(column): \"\(trimmed)\" is not a number")
        }
        guard value.isFinite else {
            throw DataError.badRow(path: path, line: line, reason: "\(column): \(trimmed) is not a finite number")
        }
        return value
    }
}

import Foundation

/// Strict decoding for spec objects: unknown keys and wrongly typed values become
/// `DataError.invalidSpec` naming the full key path (`augment.rotation.degrees`), so a typo
/// in a run config is reported instead of silently ignored.
struct SpecKey: CodingKey {
    let stringValue: String
    var intValue: Int? { nil }
    init(_ string: String) { stringValue = string }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { return nil }
}

struct SpecObject {
    let container: KeyedDecodingContainer<SpecKey>
    let path: String

    /// Opens the object at `decoder`, rejecting keys outside `keys`.
    init(_ decoder: any Decoder, keys: [String]) throws {
        path = decoder.codingPath.map(\.stringValue).joined(separator: ".")
        do {
            container = try decoder.container(keyedBy: SpecKey.self)
        } catch {
            throw DataError.invalidSpec(key: path.isEmpty ? "(root)" : path, reason: "must be an object with keys \(keys.joined(separator: ", "))")
        }
        for key in container.allKeys where !keys.contains(key.stringValue) {
            throw DataError.invalidSpec(
                key: qualified(key.stringValue),
                reason: "is not a known key; expected one of \(keys.joined(separator: ", "))")
        }
    }

    func qualified(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    func optional<T: Decodable>(_ key: String, as type: T.Type = T.self) throws -> T? {
        do {
            return try container.decodeIfPresent(T.self, forKey: SpecKey(key))
        } catch let error as DataError {
            throw error
        } catch {
            throw DataError.invalidSpec(key: qualified(key), reason: "must be \(SpecObject.describe(T.self))")
        }
    }

    func required<T: Decodable>(_ key: String, as type: T.Type = T.self) throws -> T {
        guard let value = try optional(key, as: T.self) else {
            throw DataError.invalidSpec(key: qualified(key), reason: "is required")
        }
        return value
    }

    static func describe(_ type: Any.Type) -> String {
        switch type {
        case is Int.Type, is UInt64.Type: return "an integer"
        case is Double.Type: return "a number"
        case is Bool.Type: return "true or false"
        case is String.Type: return "a string"
        default: return "a valid \(type)"
        }
    }
}

extension KeyedDecodingContainer {
    /// An integer within `range`, read as a number first so that `2.5`, `1e12` or `-3`
    /// are errors naming the dotted key (JSONDecoder itself says only "The given data was
    /// not valid JSON." for a fraction, and accepts 1e12 as an `Int`).
    func integer(_ key: Key, in range: ClosedRange<Int>) throws -> Int? {
        guard contains(key), (try? decodeNil(forKey: key)) != true else { return nil }
        let path = SpecPath.dotted(codingPath + [key])
        guard let number = try? decode(Double.self, forKey: key) else {
            throw TrainerError.invalidSpec(key: path, message: "must be an integer between \(range.lowerBound) and \(range.upperBound)")
        }
        guard number.isFinite, number.rounded() == number else {
            throw TrainerError.invalidSpec(key: path, message: "must be a whole number, got \(number)")
        }
        // The bounds are far below 2^53, so the comparison in Double is exact.
        guard number >= Double(range.lowerBound), number <= Double(range.upperBound) else {
            throw TrainerError.invalidSpec(key: path, message: "must be between \(range.lowerBound) and \(range.upperBound), got \(SpecBounds.format(number))")
        }
        return Int(number)
    }
}

extension KeyedDecodingContainer {
    /// `integer(_:in:)` for a key that must be there.
    func requiredInteger(_ key: Key, in range: ClosedRange<Int>) throws -> Int {
        guard let value = try integer(key, in: range) else {
            throw TrainerError.invalidSpec(key: SpecPath.dotted(codingPath + [key]), message: "is required")
        }
        return value
    }
}

/// Upper bounds of config values: far above any useful run, far below what exhausts the machine.
public enum SpecBounds {
    public static let epochs = 1...100_000
    public static let batchSize = 1...1_000_000
    public static let depth = 0...1_000
    public static let width = 1...1_000_000
    public static let input = 1...10_000_000
    public static let classes = 1...1_000_000
    /// Trainable parameters of one model.
    public static let maxParameters = 100_000_000
    /// Activation memory of one batch (batch_size × widest layer × layers × 4 bytes), in bytes.
    public static let maxActivationBytes = 4 << 30
    /// Floats in one synthetic data set (samples × features).
    public static let maxSyntheticValues = 250_000_000
    /// Positions of a padded sequence (`data.length`, a layer's `length`).
    public static let sequenceLength = 1...4096
    /// Features of one token of a sequence set (`data.features` of `sequences`).
    public static let tokenFeatures = 1...4096
    /// Patience, every-N and count settings.
    public static let count = 0...1_000_000_000

    static func format(_ d: Double) -> String {
        abs(d) < 1e15 ? String(Int64(d)) : String(format: "%g", d)
    }
}

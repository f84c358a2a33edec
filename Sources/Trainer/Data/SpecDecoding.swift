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

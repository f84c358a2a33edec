/// The Trainer's typed errors; each message says what is wrong and where.
public enum TrainerError: Error, Equatable, Sendable {
    /// A tensor's shape does not fit where it is used.
    case shapeMismatch(String)
    /// A model spec value is invalid; `key` is the spec key (dotted, e.g. `layers.2.p`).
    case invalidSpec(key: String, message: String)
    /// A state payload does not fit the model: `name` is the tensor or entry (e.g. `layers.3.weight`).
    case stateMismatch(name: String, message: String)
    /// A state payload is damaged or of an unknown version.
    case corruptState(String)
    /// A training input is invalid (labels out of range, empty batch, …).
    case invalidInput(String)
}

extension TrainerError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .shapeMismatch(let m): return "shape mismatch: \(m)"
        case .invalidSpec(let key, let m): return "invalid model spec at '\(key)': \(m)"
        case .stateMismatch(let name, let m): return "state does not fit the model at '\(name)': \(m)"
        case .corruptState(let m): return "corrupt state payload: \(m)"
        case .invalidInput(let m): return "invalid input: \(m)"
        }
    }
}

#if canImport(Foundation)
import Foundation
extension TrainerError: LocalizedError {
    public var errorDescription: String? { description }
}
#endif

/// A run found once: the key every read of its records takes.
///
/// A page or a command resolves the id the user typed (a full id, a unique prefix or a
/// uuid) once, then passes the reference to each read, instead of every read looking the
/// id up again.
public struct RunRef: Sendable, Hashable, CustomStringConvertible {
    /// The internal key of the series tables (`run_seq`).
    public let seq: Int64
    /// The short id users see.
    public let id: String

    public var description: String { id }
}

/// What names a run to a `Store` read: a resolved `RunRef`, or an id or prefix the user
/// typed, which the read resolves on the way in (deleted runs included, as reads show them).
public protocol RunIdentifier: Sendable {
    func runRef(in store: Store) throws -> RunRef
}

extension RunRef: RunIdentifier {
    public func runRef(in store: Store) throws -> RunRef { self }
}

extension String: RunIdentifier {
    public func runRef(in store: Store) throws -> RunRef { try store.runRef(self, includeDeleted: true) }
}

extension Substring: RunIdentifier {
    public func runRef(in store: Store) throws -> RunRef { try store.runRef(String(self), includeDeleted: true) }
}

extension RunRef {
    /// The smallest string above every string that starts with `prefix` (nil when none is):
    /// `id >= prefix AND id < successor` is then exactly "starts with", as an index range.
    ///
    /// SQLite compares text as UTF-8 bytes, and UTF-8 keeps the order of Unicode scalars, so
    /// raising the last scalar (dropping trailing U+10FFFF, which has no successor) is enough.
    static func successor(ofPrefix prefix: String) -> String? {
        var scalars = Array(prefix.unicodeScalars)
        while let last = scalars.popLast() {
            var next = last.value + 1
            if next == 0xD800 { next = 0xE000 }  // surrogates are not scalars
            if let raised = Unicode.Scalar(next) {
                scalars.append(raised)
                var out = String.UnicodeScalarView()
                out.append(contentsOf: scalars)
                return String(out)
            }
        }
        return nil
    }
}

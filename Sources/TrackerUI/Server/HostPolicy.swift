/// Which `Host` header values the server answers: the loopback names, plus the names given
/// with `--allow-remote`.
///
/// A page on another site can make the browser send requests to 127.0.0.1 (DNS rebinding:
/// its own name resolves to loopback); the browser then still sends the page's name as
/// `Host`. Answering only names we expect keeps such pages from reading the store.
public struct HostPolicy: Sendable, Equatable {
    /// The names every server answers.
    public static let loopbackNames: Set<String> = ["localhost", "127.0.0.1", "[::1]"]

    /// Allowed names, lower-cased, without port (IPv6 literals in brackets).
    public private(set) var names: Set<String>

    /// Loopback names only.
    public static let loopback = HostPolicy(names: loopbackNames)

    private init(names: Set<String>) { self.names = names }

    /// The loopback names and `extra` (each a host name or IP address without a port;
    /// an IPv6 address may be given with or without brackets).
    public init(allowing extra: [String]) throws(HostPolicyError) {
        var names = HostPolicy.loopbackNames
        for raw in extra {
            let name = raw.trimmingWhitespace().lowercased()
            guard !name.isEmpty else { continue }
            let normalized = name.contains(":") && !name.hasPrefix("[") ? "[\(name)]" : name
            guard HostPolicy.isName(normalized) else { throw HostPolicyError(name: raw) }
            names.insert(normalized)
        }
        self.names = names
    }

    /// Whether a request's `Host` value (`name`, `name:port`, `[v6]`, `[v6]:port`) is allowed.
    public func allows(_ host: String) -> Bool {
        guard let name = HostPolicy.name(ofHostHeader: host) else { return false }
        return names.contains(name)
    }

    /// The name part of a `Host` value, lower-cased; nil when it is not a valid value.
    static func name(ofHostHeader value: String) -> String? {
        let v = value.lowercased()
        var name = Substring(v), port: Substring?
        if v.hasPrefix("[") {
            guard let close = v.firstIndex(of: "]") else { return nil }
            name = v[...close]
            let rest = v[v.index(after: close)...]
            if !rest.isEmpty {
                guard rest.first == ":" else { return nil }
                port = rest.dropFirst()
            }
        } else if let colon = v.firstIndex(of: ":") {
            name = v[..<colon]
            port = v[v.index(after: colon)...]
        }
        if let port, !(1...5).contains(port.count) || !port.utf8.allSatisfy({ (48...57).contains($0) }) { return nil }
        guard isName(String(name)) else { return nil }
        return String(name)
    }

    /// A DNS name, IPv4 address or bracketed IPv6 literal: no spaces, slashes or other punctuation.
    static func isName(_ s: String) -> Bool {
        guard !s.isEmpty, s.utf8.count <= 255 else { return false }
        if s.hasPrefix("[") {
            guard s.hasSuffix("]"), s.utf8.count > 2 else { return false }
            return s.utf8.dropFirst().dropLast().allSatisfy { isHex($0) || $0 == UInt8(ascii: ":") || $0 == UInt8(ascii: ".") }
        }
        return s.utf8.allSatisfy { isHex($0) || (97...122).contains($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ".") }
    }

    private static func isHex(_ b: UInt8) -> Bool { (48...57).contains(b) || (97...102).contains(b) }
}

/// A name given to `--allow-remote` that cannot be a host name.
public struct HostPolicyError: Error, CustomStringConvertible {
    public var name: String
    public var description: String {
        "'\(name)' is not a host name or IP address (give names without scheme, port or path, e.g. tracker.lan,10.0.0.5)"
    }
}

extension String {
    func trimmingWhitespace() -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let last = scalars.lastIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        return String(scalars[first...last])
    }
}

import Foundation

extension PGConnection {
    /// Why libpq could not connect, in two parts: `problem`, what the user did wrong or can do,
    /// in the user's words (the message); `detail`, libpq's own text on one line (shown only
    /// with --verbose). Both have the URL's password taken out: libpq quotes the URL, or the
    /// part of it that it could not read, in some of its messages.
    static func explain(_ raw: String, url: String) -> (problem: String, detail: String) {
        let detail = scrub(raw.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.joined(separator: "; "),
                           url: url)
        // The reason without libpq's `connection to server at "h", port 5 failed: ` prefix.
        var reason = detail
        if reason.hasPrefix("connection to server"), let r = reason.range(of: " failed: ") { reason = String(reason[r.upperBound...]) }
        reason = reason.replacingOccurrences(of: "FATAL:  ", with: "").replacingOccurrences(of: "FATAL: ", with: "")
        let lower = reason.lowercased()
        let place = location(in: detail)
        if lower.contains("password authentication failed") {
            let user = quoted(after: "for user ", in: reason).map { " for user '\($0)'" } ?? ""
            return ("the server refused the password\(user); check the password in the URL", detail)
        }
        if lower.contains("no password supplied") {
            return ("the server asks for a password and none was given; put it in the URL (postgresql://user:password@host:port/database) or in PGPASSWORD", detail)
        }
        if lower.hasPrefix("role "), lower.contains("does not exist") {
            return ("the server has no user '\(quoted(after: "role ", in: reason) ?? "?")'; fix the user name in the URL", detail)
        }
        if lower.hasPrefix("database "), lower.contains("does not exist") {
            let name = quoted(after: "database ", in: reason) ?? "?"
            return ("the database '\(name)' does not exist on the server; create it first (createdb \(name)) or name another database in the URL", detail)
        }
        if lower.contains("no pg_hba.conf entry") {
            return ("the server does not let this user connect to this database from here (its pg_hba.conf has no entry for it)", detail)
        }
        if lower.contains("could not translate host name") {
            return ("the host name '\(quoted(after: "host name ", in: reason) ?? "?")' is not known; fix the host in the URL", detail)
        }
        if lower.contains("connection refused") || lower.contains("no such file or directory") || lower.contains("could not connect")
            || lower.contains("network is unreachable") || lower.contains("no route to host")
            || lower.contains("cannot assign requested address") || lower.contains("address family not supported") {
            return ("no PostgreSQL server answers \(place ?? "there"); start it or fix the host and port in the URL", detail)
        }
        if lower.contains("timeout expired") {
            return ("no PostgreSQL server answered \(place ?? "there") in time; check the host and port in the URL", detail)
        }
        if ["invalid", "missing", "unexpected", "forbidden", "end of string", " uri"].contains(where: { lower.contains($0) }) {
            return ("the URL is not a valid PostgreSQL connection URL (\(reason)); expected postgresql://user[:password]@host:port/database", detail)
        }
        return ("the server refused the connection (\(reason))", detail)
    }

    /// `at 127.0.0.1 port 5432` or `on the socket /run/…` from libpq's message, when it names one.
    private static func location(in detail: String) -> String? {
        if let host = quoted(after: "connection to server at ", in: detail) {
            guard let r = detail.range(of: "\", port ") else { return "at \(host)" }
            let port = detail[r.upperBound...].prefix { $0.isNumber }
            return port.isEmpty ? "at \(host)" : "at \(host) port \(port)"
        }
        return quoted(after: "connection to server on socket ", in: detail).map { "on the socket \($0)" }
    }

    /// The text between double quotes right after `marker`.
    private static func quoted(after marker: String, in text: String) -> String? {
        guard let m = text.range(of: marker + "\""), let end = text[m.upperBound...].firstIndex(of: "\"") else { return nil }
        return String(text[m.upperBound..<end])
    }

    /// `text` with `url` shown redacted and every spelling of its password masked: as written,
    /// percent-decoded, and the pieces between URL delimiters that libpq may quote on their
    /// own when the password holds one (`a@b` reads as password `a` and host `b@…`; libpq
    /// reads a C string, so a NUL ends the URL it sees).
    static func scrub(_ text: String, url: String) -> String {
        var out = text.replacingOccurrences(of: url, with: StoreLocation.redacted(url))
            .replacingOccurrences(of: libpqURL(url), with: StoreLocation.redacted(libpqURL(url)))
        let secrets = passwords(in: url).flatMap { p -> [String] in
            ([p] + p.split(whereSeparator: { "@/?#&=:;,[] \u{0}".contains($0) }).map(String.init)).flatMap { [$0, $0.removingPercentEncoding ?? $0] }
        }
        // A password of one or two characters is masked only where libpq quotes it whole:
        // masking every `a` of the message would garble it.
        for secret in Set(secrets).sorted(by: { $0.count > $1.count }) where !secret.isEmpty {
            out = secret.count >= 3 ? out.replacingOccurrences(of: secret, with: "***")
                : out.replacingOccurrences(of: "\"\(secret)\"", with: "\"***\"")
        }
        return out
    }

    /// The passwords a URL spells, generously: the user info's after its first `:`, up to the
    /// first `@` (where libpq ends it) and up to the last (where `StoreLocation.redacted`
    /// does), and the value of every `password=` parameter, wherever a `?` or `&` starts one.
    static func passwords(in url: String) -> [String] {
        guard let scheme = url.range(of: "://") else { return [] }
        let rest = url[scheme.upperBound...]
        var found: [String] = []
        if let colon = rest.firstIndex(of: ":") {
            for at in [rest.firstIndex(of: "@"), rest.lastIndex(of: "@")].compactMap({ $0 }) where colon < at {
                found.append(String(rest[rest.index(after: colon)..<at]))
            }
        }
        var from = rest.startIndex
        while let r = rest.range(of: "password=", options: .caseInsensitive, range: from..<rest.endIndex) {
            if r.lowerBound > rest.startIndex, "?&".contains(rest[rest.index(before: r.lowerBound)]) {
                found.append(String(rest[r.upperBound..<(rest[r.upperBound...].firstIndex(of: "&") ?? rest.endIndex)]))
            }
            from = r.upperBound
        }
        return found
    }

    /// The URL as libpq reads it: libpq knows the schemes `postgresql://` and `postgres://`
    /// in lower case only (any other case makes it read the URL as `key=value` settings),
    /// while `StoreLocation.isPostgres` accepts any case.
    static func libpqURL(_ url: String) -> String {
        guard let r = url.range(of: "://") else { return url }
        var u = url[..<r.lowerBound].lowercased() + url[r.lowerBound...]
        // libpq waits on a host that drops packets as long as TCP does (minutes): bound the
        // connection attempt unless the URL sets its own `connect_timeout`.
        // Only the query part counts: a password may spell "connect_timeout=" too.
        let query = u.firstIndex(of: "?").map { u[$0...] } ?? ""
        if !query.split(whereSeparator: { $0 == "?" || $0 == "&" }).contains(where: { $0.hasPrefix("connect_timeout=") }) {
            u += (query.isEmpty ? "?" : "&") + "connect_timeout=\(defaultConnectTimeout)"
        }
        return u
    }

    /// Seconds libpq may spend connecting when the URL does not say (`connect_timeout`).
    static let defaultConnectTimeout = 10
}

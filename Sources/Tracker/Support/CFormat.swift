#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// printf-style formatting through the C library: locale-free and far cheaper than
/// Foundation's `String(format:)`, which matters for tables and charts of many numbers.
public enum CFormat {
    /// `CFormat.string("%.4g", x)`; arguments must match the C format (Double for %g/%e/%f, Int for %ld).
    public static func string(_ format: String, _ args: CVarArg...) -> String {
        var buffer = [CChar](repeating: 0, count: 64)
        let needed = withVaList(args) { vsnprintf(&buffer, buffer.count, format, $0) }
        if needed >= buffer.count {
            buffer = [CChar](repeating: 0, count: Int(needed) + 1)
            _ = withVaList(args) { vsnprintf(&buffer, buffer.count, format, $0) }
        }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Unbuffered terminal output (progress lines must appear at once, even through a pipe).
enum Console {
    static func out(_ text: String) { FileHandle.standardOutput.write(Data((text + "\n").utf8)) }
    static func err(_ text: String) { FileHandle.standardError.write(Data((text + "\n").utf8)) }
    static var stdoutIsTTY: Bool { isatty(1) == 1 }
    /// Colour only on a terminal, and never when NO_COLOR is set.
    static var useColor: Bool { stdoutIsTTY && ProcessInfo.processInfo.environment["NO_COLOR"] == nil }
}

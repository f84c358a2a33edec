import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Unbuffered terminal output (progress lines must appear at once, even through a pipe).
enum Console {
    static func out(_ text: String, terminator: String = "\n") { FileHandle.standardOutput.write(Data((text + terminator).utf8)) }
    /// Raw UTF-8 to stdout, then a newline.
    static func out(utf8 bytes: [UInt8]) {
        var data = Data(capacity: bytes.count + 1)
        data.append(contentsOf: bytes)
        data.append(0x0A)
        FileHandle.standardOutput.write(data)
    }
    static func err(_ text: String) { FileHandle.standardError.write(Data((text + "\n").utf8)) }
    /// Terminal width: $COLUMNS, else the window size of stdout, else 100.
    static var width: Int {
        // $COLUMNS is outside input: a huge value must not size a huge sparkline.
        if let c = ProcessInfo.processInfo.environment["COLUMNS"].flatMap(Int.init), c > 20 { return min(c, 1_000) }
        var size = winsize()
        if ioctl(1, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 20 { return Int(size.ws_col) }
        return 100
    }
    static var stdoutIsTTY: Bool { isatty(1) == 1 }
    /// Colour only on a terminal, and never when NO_COLOR is set.
    static var useColor: Bool { stdoutIsTTY && ProcessInfo.processInfo.environment["NO_COLOR"] == nil }
}

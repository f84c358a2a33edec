import Foundation
import Tracker
import Trainer

/// What the CLI prints for an error: a message about what the user did or can do, and the
/// technical detail (SQLite codes and SQL, Foundation error domains) only with `--verbose`.
enum ErrorReport {
    /// Set from the global `--verbose` flag before any command runs.
    nonisolated(unsafe) static var verbose = false

    /// Removes `--verbose` (anywhere before a `--`) from `arguments`; true when it was there.
    static func takeVerboseFlag(_ arguments: inout [String]) -> Bool {
        let end = arguments.firstIndex(of: "--") ?? arguments.endIndex
        guard let i = arguments[..<end].firstIndex(of: "--verbose") else { return false }
        arguments.remove(at: i)
        _ = takeVerboseFlag(&arguments)  // repeated flags are harmless
        return true
    }

    /// The user message and the verbose detail, or nil for errors that ArgumentParser reports
    /// itself (usage errors, help, exit codes).
    static func describe(_ error: any Error) -> (message: String, detail: String?)? {
        switch error {
        case let e as SQLiteError:
            return (e.errorDescription ?? "the database could not carry out the request", e.description)
        case let e as TrackerError:
            return (e.errorDescription ?? "\(e)", e.detail)
        case let e as DecodingError:
            return ("a JSON value does not have the expected shape or type", "\(e)")
        case let e as any LocalizedError where !(e is any CustomNSError):
            return (e.errorDescription ?? "\(e)", nil)
        default:
            let ns = error as NSError
            guard ns.domain == NSCocoaErrorDomain || ns.domain == NSPOSIXErrorDomain else { return nil }
            let path = (ns.userInfo[NSFilePathErrorKey] as? String) ?? (ns.userInfo[NSURLErrorKey] as? URL)?.path
            let what = path.map { "'\($0)'" } ?? "a file"
            return ("could not read or write \(what): \(fileProblem(ns))", "\(ns.domain) \(ns.code): \(ns)")
        }
    }

    /// A Foundation file error in words (its localized description on Linux is often only the domain and code).
    static func fileProblem(_ e: NSError) -> String {
        if e.domain == NSCocoaErrorDomain {
            switch CocoaError.Code(rawValue: e.code) {
            case .fileNoSuchFile, .fileReadNoSuchFile: return "no such file or folder"
            case .fileReadNoPermission, .fileWriteNoPermission: return "permission denied"
            case .fileWriteOutOfSpace: return "the disk is full"
            case .fileWriteVolumeReadOnly: return "the volume is read-only"
            case .fileWriteFileExists: return "the file already exists"
            default: break
            }
        }
        if e.domain == NSPOSIXErrorDomain, let text = strerror(Int32(e.code)) { return String(cString: text) }
        return "the operation failed (run again with --verbose for the detail)"
    }

    /// Prints the error to stderr; the detail only with `--verbose`.
    static func print(message: String, detail: String?) {
        var text = "error: \(message)\n"
        if verbose, let detail, detail != message { text += "detail: \(detail)\n" }
        FileHandle.standardError.write(Data(text.utf8))
    }
}

import Foundation

/// Everything that can go wrong while loading or preparing data.
///
/// Each message names the file, line or key at fault and says what to do about it,
/// because these errors end up in front of a user running `tracker`.
public enum DataError: LocalizedError, Equatable, Sendable {
    /// A dataset directory does not exist; `package` is the Debian package that installs it.
    case missingDirectory(path: String, package: String?)
    /// A file that should exist does not (or cannot be read).
    case unreadableFile(path: String, reason: String)
    /// A file ended before the bytes its header announces.
    case truncated(path: String, expected: Int, actual: Int)
    /// The first bytes are not an IDX magic number.
    case badMagic(path: String, found: [UInt8])
    /// An IDX file whose element type or dimensions this reader does not handle.
    case unsupportedIDX(path: String, reason: String)
    /// zlib rejected a gzip stream.
    case corruptGzip(path: String, reason: String)
    /// Image and label files disagree on the number of samples.
    case countMismatch(images: Int, labels: Int, path: String)
    /// A CSV row that cannot be used, with its 1-based line number.
    case badRow(path: String, line: Int, reason: String)
    /// A CSV file that has no usable rows or header.
    case badCSV(path: String, reason: String)
    /// A dataset spec key with an invalid value (or an unknown key).
    case invalidSpec(key: String, reason: String)
    /// A request that the data cannot satisfy (for example a subset larger than the set).
    case invalidRequest(String)

    public var errorDescription: String? {
        switch self {
        case let .missingDirectory(path, package?):
            return "dataset directory \(path) does not exist; install it with "
                + "`apt-get install \(package)` or point the spec's `path` at a copy"
        case let .missingDirectory(path, nil):
            return "dataset directory \(path) does not exist; check the spec's `path`"
        case let .unreadableFile(path, reason):
            return "cannot read \(path): \(reason)"
        case let .truncated(path, expected, actual):
            return "\(path) is truncated: expected \(expected) bytes, found \(actual); "
                + "download or reinstall the file"
        case let .badMagic(path, found):
            let hex = found.map { String($0, radix: 16).leftPadded(to: 2) }.joined(separator: " ")
            return "\(path) is not an IDX file (first bytes \(hex); expected 00 00 <type> <dims>)"
        case let .unsupportedIDX(path, reason):
            return "\(path): \(reason)"
        case let .corruptGzip(path, reason):
            return "\(path) is not a valid gzip stream (\(reason)); download or reinstall the file"
        case let .countMismatch(images, labels, path):
            return "\(path): \(labels) labels for \(images) images; the image and label files "
                + "must come from the same set"
        case let .badRow(path, line, reason):
            return "\(path):\(line): \(reason)"
        case let .badCSV(path, reason):
            return "\(path): \(reason)"
        case let .invalidSpec(key, reason):
            return "dataset spec: `\(key)` \(reason)"
        case let .invalidRequest(message):
            return message
        }
    }
}

extension String {
    func leftPadded(to width: Int, with pad: Character = "0") -> String {
        count >= width ? self : String(repeating: pad, count: width - count) + self
    }
}

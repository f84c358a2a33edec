import CZlib

/// gzip through zlib (Foundation on Linux has no gunzip).
///
/// `decompress` handles multi-member streams (as `gzip -d` does) and reports a corrupt or
/// truncated stream as `DataError.corruptGzip`, never a trap.
public enum Gzip {
    /// True when `bytes` start with the gzip magic number 1f 8b.
    public static func isGzip(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B
    }

    /// Inflates a gzip stream; `path` only names the source in errors.
    public static func decompress(_ input: [UInt8], path: String = "<memory>") throws -> [UInt8] {
        guard isGzip(input) else { throw DataError.corruptGzip(path: path, reason: "no gzip header") }
        // The trailer's ISIZE (size mod 2^32) is a good first guess for one-member files.
        var capacity = max(1024, input.count * 2)
        if input.count >= 18 {
            let n = input.count
            let isize = Int(input[n - 4]) | Int(input[n - 3]) << 8 | Int(input[n - 2]) << 16 | Int(input[n - 1]) << 24
            if isize > 0, isize <= input.count &* 1100 { capacity = isize + 1 }
        }
        var output = [UInt8](repeating: 0, count: capacity)
        var produced = 0
        var stream = z_stream()
        guard inflateInit2_(&stream, 16 + MAX_WBITS, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw DataError.corruptGzip(path: path, reason: "zlib could not initialise")
        }
        defer { inflateEnd(&stream) }

        try input.withUnsafeBufferPointer { inBuf in
            guard let inBase = inBuf.baseAddress else { return }
            var consumed = 0
            while true {
                let before = (consumed, produced)
                if produced == output.count { output.append(contentsOf: repeatElement(0, count: output.count)) }
                let status: Int32 = output.withUnsafeMutableBufferPointer { outBuf -> Int32 in
                    let inChunk = min(inBuf.count - consumed, Int(Int32.max))
                    let outChunk = min(outBuf.count - produced, Int(Int32.max))
                    stream.next_in = UnsafeMutablePointer(mutating: inBase + consumed)
                    stream.avail_in = uInt(inChunk)
                    stream.next_out = outBuf.baseAddress.map { $0 + produced }
                    stream.avail_out = uInt(outChunk)
                    let result = inflate(&stream, Z_NO_FLUSH)
                    consumed += inChunk - Int(stream.avail_in)
                    produced += outChunk - Int(stream.avail_out)
                    return result
                }
                switch status {
                case Z_OK, Z_BUF_ERROR:
                    // Z_BUF_ERROR with input left means "output full": grow and go on.
                    if consumed == inBuf.count && produced < output.count {
                        throw DataError.corruptGzip(path: path, reason: "stream ends early (truncated file)")
                    }
                    if before == (consumed, produced) && produced < output.count {
                        throw DataError.corruptGzip(path: path, reason: "zlib made no progress")
                    }
                case Z_STREAM_END:
                    // Another gzip member may follow; trailing zero padding is tolerated.
                    let rest = inBuf[consumed...]
                    if rest.count >= 2, rest[consumed] == 0x1F, rest[consumed + 1] == 0x8B {
                        guard inflateReset(&stream) == Z_OK else {
                            throw DataError.corruptGzip(path: path, reason: "zlib could not reset")
                        }
                        continue
                    }
                    return
                default:
                    let message = stream.msg.map { String(cString: $0) } ?? "zlib error \(status)"
                    throw DataError.corruptGzip(path: path, reason: message)
                }
            }
        }
        output.removeSubrange(produced...)
        return output
    }

    /// Compresses `input` into one gzip member (used by tests and for writing fixtures).
    public static func compress(_ input: [UInt8], level: Int32 = 6) throws -> [UInt8] {
        var stream = z_stream()
        guard deflateInit2_(&stream, level, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY,
                            zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw DataError.corruptGzip(path: "<memory>", reason: "zlib could not initialise deflate")
        }
        defer { deflateEnd(&stream) }
        let bound = Int(deflateBound(&stream, uLong(input.count))) + 64
        var output = [UInt8](repeating: 0, count: bound)
        var input = input
        let status: Int32 = input.withUnsafeMutableBufferPointer { inBuf in
            output.withUnsafeMutableBufferPointer { outBuf in
                stream.next_in = inBuf.baseAddress
                stream.avail_in = uInt(inBuf.count)
                stream.next_out = outBuf.baseAddress
                stream.avail_out = uInt(outBuf.count)
                return deflate(&stream, Z_FINISH)
            }
        }
        guard status == Z_STREAM_END else {
            throw DataError.corruptGzip(path: "<memory>", reason: "deflate failed (\(status))")
        }
        output.removeSubrange(Int(stream.total_out)...)
        return output
    }
}

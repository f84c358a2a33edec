import Foundation
import Testing
@testable import Trainer

@Suite("IDX files and gzip")
struct DataIDXTests {
    @Test("a gzipped and a plain IDX set load to the same scaled dataset")
    func loadsGzipAndPlain() throws {
        let gz = try makeTemporaryDirectory(), plain = try makeTemporaryDirectory()
        for part in ["train", "t10k"] {
            try writeIDXFixture(in: gz, part: part, count: 12)
            try writeIDXFixture(in: plain, part: part, count: 12, gzip: false)
        }
        let a = try IDXDataset.load(directory: gz, part: .train)
        let b = try IDXDataset.load(directory: plain, part: .train)
        #expect(a.x == b.x && a.labels == b.labels)
        #expect(a.count == 12 && a.features == 16 && a.numClasses == 3)
        #expect(a.imageShape == Dataset.ImageShape(height: 4, width: 4))
        #expect(a.x.allSatisfy { $0 >= 0 && $0 <= 1 })
        #expect(a.x[1] == Float(37) / 255)
        #expect(IDXDataset.isAvailable(directory: gz))
    }

    @Test("gzip round-trips, including multi-member streams")
    func gzipRoundTrip() throws {
        let data = (0..<100_000).map { UInt8(truncatingIfNeeded: $0 % 251) }
        #expect(try Gzip.decompress(try Gzip.compress(data)) == data)
        let twoMembers = try Gzip.compress(Array(data[..<500])) + Gzip.compress(Array(data[500...]))
        #expect(try Gzip.decompress(twoMembers) == data)
        #expect(try Gzip.decompress(try Gzip.compress([])) == [])
    }

    @Test("a missing directory names the package to install")
    func missingDirectory() {
        #expect(throws: DataError.missingDirectory(path: "/nonexistent/fmnist", package: IDXDataset.fashionMNISTPackage)) {
            try IDXDataset.load(directory: "/nonexistent/fmnist", part: .train, package: IDXDataset.fashionMNISTPackage)
        }
        let message = DataError.missingDirectory(path: "/x", package: "dataset-fashion-mnist").localizedDescription
        #expect(message.contains("apt-get install dataset-fashion-mnist"))
    }

    @Test("a truncated file is an error naming expected and actual sizes")
    func truncated() throws {
        let bytes = IDXReader.encode(IDXArray(dimensions: [3, 4, 4], bytes: [UInt8](repeating: 7, count: 48)))
        #expect(throws: DataError.truncated(path: "f", expected: 64, actual: 40)) {
            try IDXReader.parse(Array(bytes[..<40]), path: "f")
        }
        #expect(throws: DataError.truncated(path: "f", expected: 16, actual: 10)) {
            try IDXReader.parse(Array(bytes[..<10]), path: "f")
        }
        #expect(throws: DataError.self) { try IDXReader.parse([0, 0], path: "f") }
        // Truncated inside a gzip stream, as a half-downloaded .gz file is.
        let dir = try makeTemporaryDirectory()
        let gz = try Gzip.compress(bytes + [UInt8](repeating: 1, count: 5000))
        try write(Array(gz[..<(gz.count / 2)]), to: "\(dir)/cut.gz")
        #expect(throws: DataError.self) { try IDXReader.read(path: "\(dir)/cut.gz") }
    }

    @Test("a wrong magic number is reported with the bytes found")
    func badMagic() throws {
        let error = #expect(throws: DataError.self) { try IDXReader.parse([0x50, 0x4B, 0x03, 0x04, 0, 0, 0, 0], path: "zip") }
        #expect(error == .badMagic(path: "zip", found: [0x50, 0x4B, 0x03, 0x04]))
        #expect(error?.localizedDescription.contains("50 4b 03 04") == true)
        #expect(throws: DataError.self) { try IDXReader.parse([0, 0, 0x0D, 1, 0, 0, 0, 1, 0, 0, 0, 0], path: "float") }
    }

    @Test("a corrupt gzip stream is an error, not a crash")
    func corruptGzip() throws {
        var gz = try Gzip.compress((0..<10_000).map { UInt8(truncatingIfNeeded: $0 &* 7) })
        for i in 20..<60 { gz[i] ^= 0xA5 }
        let error = #expect(throws: DataError.self) { try Gzip.decompress(gz, path: "bad.gz") }
        if case .corruptGzip(let path, _)? = error { #expect(path == "bad.gz") } else { Issue.record("wrong error \(String(describing: error))") }
        #expect(throws: DataError.self) { try Gzip.decompress([0x1F, 0x8B, 8, 0, 0], path: "short.gz") }
    }

    @Test("image and label counts that disagree are an error")
    func countMismatch() throws {
        let dir = try makeTemporaryDirectory()
        try writeIDXFixture(in: dir, part: "train", count: 10, labelCount: 9)
        #expect(throws: DataError.countMismatch(images: 10, labels: 9, path: "\(dir)/train-labels-idx1-ubyte.gz")) {
            try IDXDataset.load(directory: dir, part: .train)
        }
    }

    @Test("a directory without the files says which file is missing")
    func missingFile() throws {
        let dir = try makeTemporaryDirectory()
        let error = #expect(throws: DataError.self) { try IDXDataset.load(directory: dir, part: .test) }
        #expect(error?.localizedDescription.contains("t10k-images-idx3-ubyte.gz") == true)
    }
}

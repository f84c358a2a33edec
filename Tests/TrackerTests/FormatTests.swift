import Foundation
import Testing
@testable import Tracker

@Suite("One rule for numbers, durations and times")
struct FormatTests {
    @Test("durations round to the unit shown and reach days")
    func durations() {
        #expect(Format.duration(12.34) == "12.3s")
        #expect(Format.duration(59.96) == "60.0s")
        #expect(Format.duration(185) == "3m05s")
        #expect(Format.duration(3_599.6) == "1h00m")
        #expect(Format.duration(3_720) == "1h02m")
        #expect(Format.duration(2 * 86_400 + 3 * 3_600 + 59) == "2d03h")
        #expect(Format.duration(nil) == "-")
        #expect(Format.duration(-1, missing: "–") == "–")
    }

    @Test("numbers: 4 significant digits, integers in full, exponents when tiny or huge")
    func numbers() {
        #expect(Format.number(0.123456) == "0.1235")
        #expect(Format.number(42) == "42")
        #expect(Format.number(123_456) == "123456")
        #expect(Format.number(1_234_567.5) == "1.235e+06")
        #expect(Format.number(0.0001234) == "1.234e-04")
        #expect(Format.number(.nan) == "nan")
        #expect(Format.number(-.infinity) == "-inf")
        #expect(Format.number(nil, missing: "–") == "–")
        #expect(Format.delta(0.5) == "+0.5")
        #expect(Format.bytes(12_345_678) == "12.3 MB")
        #expect(Format.coordinate(-0.04) == "0.0")
        #expect(Format.coordinate(-0.5) == "-0.5")
        #expect(Format.coordinate(.infinity) == "0")
    }

    @Test("times: ISO 8601 in UTC with milliseconds, local minutes for tables")
    func times() {
        #expect(Format.isoTime(0) == "1970-01-01T00:00:00.000Z")
        #expect(Format.isoTime(1_764_424_567.25) == "2025-11-29T13:56:07.250Z")
        #expect(Format.isoTime(-0.5) == "1969-12-31T23:59:59.500Z")
        #expect(Format.isoTime(nil) == nil)
        #expect(Format.localTime(.nan) == "-")
        #expect(Format.localTime(1_764_424_567).count == "2025-11-29 13:56".count)
    }

    @Test("no value traps: NaN, infinities, extremes and seeded random doubles all format")
    func hostileValues() {
        var rng = SplitMix64(state: 99)
        var values: [Double] = [.nan, .infinity, -.infinity, .greatestFiniteMagnitude, -.greatestFiniteMagnitude,
                                .leastNonzeroMagnitude, -0.0, 9.3e18, -9.3e18, 1e15, -1e15, Double(Int64.max), Double(Int64.min)]
        values += (0..<2_000).map { _ in Double(bitPattern: rng.next()) }
        for v in values {
            #expect(!Format.number(v).isEmpty)
            #expect(!Format.delta(v).isEmpty)
            #expect(!Format.duration(v).isEmpty)
            #expect(!Format.coordinate(v).isEmpty)
            _ = Format.isoTime(v)
            #expect(!Format.localTime(v).isEmpty)
            if v.isFinite, v >= 86_400, v < 1e15 { #expect(Format.duration(v).hasSuffix("h") && Format.duration(v).contains("d")) }
        }
    }
}

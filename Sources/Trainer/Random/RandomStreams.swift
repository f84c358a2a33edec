#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The named, independent random streams of one run.
///
/// Each purpose has its own stream, so changing the dropout rate (which changes how many
/// draws dropout makes) never changes the initial weights or the data order.
public struct RandomStreams: Sendable, Equatable {
    public static let names = ["init", "shuffle", "dropout", "augment"]

    public var initialization: RandomStream
    public var shuffle: RandomStream
    public var dropout: RandomStream
    public var augment: RandomStream

    public init(seed: UInt64) {
        initialization = RandomStream(seed: seed, name: "init")
        shuffle = RandomStream(seed: seed, name: "shuffle")
        dropout = RandomStream(seed: seed, name: "dropout")
        augment = RandomStream(seed: seed, name: "augment")
    }

    /// All state words in `names` order (16 words), for checkpoints.
    public var words: [UInt64] { initialization.words + shuffle.words + dropout.words + augment.words }

    /// Restores from `words`; `nil` unless there are exactly 16.
    public init?(words: [UInt64]) {
        guard words.count == 16,
              let a = RandomStream(words: Array(words[0..<4])),
              let b = RandomStream(words: Array(words[4..<8])),
              let c = RandomStream(words: Array(words[8..<12])),
              let d = RandomStream(words: Array(words[12..<16])) else { return nil }
        initialization = a; shuffle = b; dropout = c; augment = d
    }
}

@inline(__always) func Foundation_log(_ x: Double) -> Double { log(x) }
@inline(__always) func Foundation_cos(_ x: Double) -> Double { cos(x) }

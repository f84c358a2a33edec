/// Which image augmentations to apply during training, each with its own probability.
///
/// Part of the dataset spec (`augment:`). Each transform is off when absent. Keys:
/// - `shift: {pixels, p}` — integer shift in `-pixels...pixels` along each axis;
/// - `rotation: {degrees, p}` — rotation by an angle uniform in `-degrees...degrees`;
/// - `scale: {amount, squash, p}` — zoom by `1 ± amount` and squash the aspect by
///   `1 ± squash` (x scaled by zoom·squash, y by zoom/squash);
/// - `flip: {p}` — horizontal mirror;
/// - `noise: {std, p}` — additive Gaussian noise, result clamped to [0, 1];
/// - `erase: {p, min, max}` — random erasing (Zhong et al., 2017): a rectangle covering a
///   fraction `min...max` of the image, aspect ratio in 0.3...3.3, set to 0.
public struct Augmentation: Sendable, Equatable, Codable {
    public var shift: Shift?
    public var rotation: Rotation?
    public var scale: Scale?
    public var flip: Flip?
    public var noise: Noise?
    public var erase: Erase?

    public init(shift: Shift? = nil, rotation: Rotation? = nil, scale: Scale? = nil, flip: Flip? = nil,
                noise: Noise? = nil, erase: Erase? = nil) {
        self.shift = shift; self.rotation = rotation; self.scale = scale
        self.flip = flip; self.noise = noise; self.erase = erase
    }

    /// True when at least one transform can fire.
    public var isEnabled: Bool {
        [shift?.p, rotation?.p, scale?.p, flip?.p, noise?.p, erase?.p].contains { ($0 ?? 0) > 0 }
    }

    /// Checks every value; the error names the key (`augment.rotation.degrees`).
    public func validate(keyPrefix: String = "augment") throws {
        func probability(_ p: Double?, _ key: String) throws {
            guard let p else { return }
            guard p >= 0, p <= 1 else {
                throw DataError.invalidSpec(key: "\(keyPrefix).\(key).p", reason: "must be a probability in [0, 1], got \(p)")
            }
        }
        func check(_ ok: Bool, _ key: String, _ reason: String) throws {
            if !ok { throw DataError.invalidSpec(key: "\(keyPrefix).\(key)", reason: reason) }
        }
        try probability(shift?.p, "shift"); try probability(rotation?.p, "rotation")
        try probability(scale?.p, "scale"); try probability(flip?.p, "flip")
        try probability(noise?.p, "noise"); try probability(erase?.p, "erase")
        if let shift { try check((0...64).contains(shift.pixels), "shift.pixels", "must be between 0 and 64, got \(shift.pixels)") }
        if let rotation {
            try check(rotation.degrees >= 0 && rotation.degrees <= 180, "rotation.degrees",
                      "must be between 0 and 180, got \(rotation.degrees)")
        }
        if let scale {
            try check(scale.amount >= 0 && scale.amount < 0.9, "scale.amount", "must be in [0, 0.9), got \(scale.amount)")
            try check(scale.squash >= 0 && scale.squash < 0.9, "scale.squash", "must be in [0, 0.9), got \(scale.squash)")
        }
        if let noise { try check(noise.std >= 0 && noise.std <= 10, "noise.std", "must be between 0 and 10, got \(noise.std)") }
        if let erase {
            try check(erase.min > 0 && erase.min <= 1, "erase.min", "must be in (0, 1], got \(erase.min)")
            try check(erase.max >= erase.min && erase.max <= 1, "erase.max",
                      "must be in [erase.min, 1], got \(erase.max)")
        }
    }

    /// Every transform on with probability `p` and moderate strengths (used by the benchmark).
    public static func all(p: Double) -> Augmentation {
        Augmentation(shift: Shift(pixels: 2, p: p), rotation: Rotation(degrees: 10, p: p),
                     scale: Scale(amount: 0.1, squash: 0.05, p: p), flip: Flip(p: p),
                     noise: Noise(std: 0.05, p: p), erase: Erase(p: p, min: 0.02, max: 0.2))
    }
}

// Strict decoding with defaults: a transform given without `p` fires half the time.
extension Augmentation {
    public init(from decoder: any Decoder) throws {
        let o = try SpecObject(decoder, keys: ["shift", "rotation", "scale", "flip", "noise", "erase"])
        self.init(shift: try o.optional("shift"), rotation: try o.optional("rotation"), scale: try o.optional("scale"),
                  flip: try o.optional("flip"), noise: try o.optional("noise"), erase: try o.optional("erase"))
    }
}

extension Augmentation {
    public struct Shift: Sendable, Equatable, Codable {
        public var pixels: Int
        public var p: Double
        public init(pixels: Int, p: Double = 0.5) { self.pixels = pixels; self.p = p }
        public init(from decoder: any Decoder) throws {
            let o = try SpecObject(decoder, keys: ["pixels", "p"])
            self.init(pixels: try o.required("pixels"), p: try o.optional("p") ?? 0.5)
        }
    }

    public struct Rotation: Sendable, Equatable, Codable {
        public var degrees: Double
        public var p: Double
        public init(degrees: Double, p: Double = 0.5) { self.degrees = degrees; self.p = p }
        public init(from decoder: any Decoder) throws {
            let o = try SpecObject(decoder, keys: ["degrees", "p"])
            self.init(degrees: try o.required("degrees"), p: try o.optional("p") ?? 0.5)
        }
    }

    public struct Scale: Sendable, Equatable, Codable {
        public var amount: Double
        public var squash: Double
        public var p: Double
        public init(amount: Double, squash: Double = 0, p: Double = 0.5) { self.amount = amount; self.squash = squash; self.p = p }
        public init(from decoder: any Decoder) throws {
            let o = try SpecObject(decoder, keys: ["amount", "squash", "p"])
            self.init(amount: try o.optional("amount") ?? 0, squash: try o.optional("squash") ?? 0, p: try o.optional("p") ?? 0.5)
        }
    }

    public struct Flip: Sendable, Equatable, Codable {
        public var p: Double
        public init(p: Double = 0.5) { self.p = p }
        public init(from decoder: any Decoder) throws {
            let o = try SpecObject(decoder, keys: ["p"])
            self.init(p: try o.optional("p") ?? 0.5)
        }
    }

    public struct Noise: Sendable, Equatable, Codable {
        public var std: Double
        public var p: Double
        public init(std: Double, p: Double = 0.5) { self.std = std; self.p = p }
        public init(from decoder: any Decoder) throws {
            let o = try SpecObject(decoder, keys: ["std", "p"])
            self.init(std: try o.required("std"), p: try o.optional("p") ?? 0.5)
        }
    }

    public struct Erase: Sendable, Equatable, Codable {
        public var p: Double
        public var min: Double
        public var max: Double
        public init(p: Double = 0.5, min: Double = 0.02, max: Double = 0.33) { self.p = p; self.min = min; self.max = max }
        public init(from decoder: any Decoder) throws {
            let o = try SpecObject(decoder, keys: ["p", "min", "max"])
            self.init(p: try o.optional("p") ?? 0.5, min: try o.optional("min") ?? 0.02, max: try o.optional("max") ?? 0.33)
        }
    }
}

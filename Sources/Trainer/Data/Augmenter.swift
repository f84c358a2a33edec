import Foundation

/// Applies an `Augmentation` to single-channel images, one sample at a time.
///
/// Shift, rotation, scale/squash and flip are composed into one affine map about the image
/// centre and resampled once, bilinearly, with zeros outside the source (so pixel values
/// stay in the source's range). Noise and erasing follow. All draws come from the `rng`
/// passed in (the run's augmentation stream), in a fixed order, so a seed fixes every image.
/// No allocation happens per sample.
public struct Augmenter: Sendable {
    public let augmentation: Augmentation
    public let height: Int
    public let width: Int

    public init(_ augmentation: Augmentation, height: Int, width: Int) throws {
        try augmentation.validate()
        guard height > 0, width > 0 else {
            throw DataError.invalidRequest("augmentation needs an image shape, got \(height)×\(width)")
        }
        self.augmentation = augmentation; self.height = height; self.width = width
    }

    /// The inverse affine map of one sample: source = A · (output − centre − t) + centre.
    struct Affine {
        var a00: Float = 1, a01: Float = 0, a10: Float = 0, a11: Float = 1
        var tx: Float = 0, ty: Float = 0
        var isIdentity: Bool { a00 == 1 && a01 == 0 && a10 == 0 && a11 == 1 && tx == 0 && ty == 0 }
        /// A shift by whole pixels, possibly mirrored: an exact copy, no interpolation.
        var isIntegerMove: Bool {
            abs(a00) == 1 && a01 == 0 && a10 == 0 && a11 == 1 && tx == tx.rounded() && ty == ty.rounded()
        }
    }

    /// Augments `source` (height × width values) into `destination` (same size).
    public func augment(_ source: UnsafeBufferPointer<Float>, into destination: UnsafeMutableBufferPointer<Float>,
                        rng: inout RandomStream) {
        let n = height * width
        precondition(source.count >= n && destination.count >= n, "image buffers smaller than \(height)×\(width)")
        let map = drawAffine(&rng)
        if map.isIdentity {
            for i in 0..<n { destination[i] = source[i] }
        } else if map.isIntegerMove {
            shiftCopy(source, destination, dx: Int(map.tx), dy: Int(map.ty), mirror: map.a00 < 0)
        } else {
            resample(source, destination, map)
        }
        if let noise = augmentation.noise, noise.p > 0, Double(rng.nextFloat()) < noise.p, noise.std > 0 {
            addNoise(destination, std: Float(noise.std), rng: &rng)
        }
        if let erase = augmentation.erase, erase.p > 0, Double(rng.nextFloat()) < erase.p {
            eraseRectangle(destination, erase, rng: &rng)
        }
    }

    func drawAffine(_ rng: inout RandomStream) -> Affine {
        var map = Affine()
        // Forward map: output = R · S · F · (source − c) + c + t; we build its inverse
        // A = F · S⁻¹ · R⁻¹ factor by factor.
        var flip: Float = 1, sx: Float = 1, sy: Float = 1, angle: Float = 0
        if let shift = augmentation.shift, shift.p > 0, Double(rng.nextFloat()) < shift.p, shift.pixels > 0 {
            map.tx = Float(rng.nextInt(below: 2 * shift.pixels + 1) - shift.pixels)
            map.ty = Float(rng.nextInt(below: 2 * shift.pixels + 1) - shift.pixels)
        }
        if let rotation = augmentation.rotation, rotation.p > 0, Double(rng.nextFloat()) < rotation.p {
            angle = Float((2 * rng.nextDouble() - 1) * rotation.degrees * Double.pi / 180)
        }
        if let scale = augmentation.scale, scale.p > 0, Double(rng.nextFloat()) < scale.p {
            let zoom = 1 + Float(scale.amount) * (2 * rng.nextFloat() - 1)
            let squash = 1 + Float(scale.squash) * (2 * rng.nextFloat() - 1)
            sx = zoom * squash; sy = zoom / squash
        }
        if let f = augmentation.flip, f.p > 0, Double(rng.nextFloat()) < f.p { flip = -1 }
        let c = angle == 0 ? 1 : cos(angle), s = angle == 0 ? 0 : sin(angle)
        // R⁻¹ = [c s; −s c]; S⁻¹ = diag(1/sx, 1/sy); F = diag(flip, 1).
        map.a00 = flip * c / sx; map.a01 = flip * s / sx
        map.a10 = -s / sy; map.a11 = c / sy
        return map
    }

    /// Exact integer shift, optionally mirrored, with zero fill (no interpolation needed).
    private func shiftCopy(_ src: UnsafeBufferPointer<Float>, _ dst: UnsafeMutableBufferPointer<Float>,
                           dx: Int, dy: Int, mirror: Bool) {
        for y in 0..<height {
            let sy = y - dy
            let row = y * width
            guard sy >= 0, sy < height else {
                for x in 0..<width { dst[row + x] = 0 }
                continue
            }
            for x in 0..<width {
                let sx = mirror ? width - 1 - (x - dx) : x - dx
                dst[row + x] = sx >= 0 && sx < width ? src[sy * width + sx] : 0
            }
        }
    }

    /// Bilinear resampling through the inverse map; zero outside the source.
    private func resample(_ src: UnsafeBufferPointer<Float>, _ dst: UnsafeMutableBufferPointer<Float>, _ m: Affine) {
        let cx = Float(width - 1) / 2, cy = Float(height - 1) / 2
        let w = width, h = height
        let limit = Float(max(w, h) + 2)
        for y in 0..<h {
            let oy = Float(y) - cy - m.ty
            let ox0 = -cx - m.tx
            var fx = m.a00 * ox0 + m.a01 * oy + cx
            var fy = m.a10 * ox0 + m.a11 * oy + cy
            let row = y * w
            for x in 0..<w {
                defer { fx += m.a00; fy += m.a10 }
                // Truncation of a value shifted to be positive is floor, without a libm call.
                guard fx > -1, fy > -1, fx < limit, fy < limit else { dst[row + x] = 0; continue }
                let ix = Int(fx + 1) - 1, iy = Int(fy + 1) - 1
                let u = fx - Float(ix), v = fy - Float(iy)
                if ix >= 0, iy >= 0, ix < w - 1, iy < h - 1 {
                    let p = iy * w + ix
                    let top = src[p] + u * (src[p + 1] - src[p])
                    let bottom = src[p + w] + u * (src[p + w + 1] - src[p + w])
                    dst[row + x] = top + v * (bottom - top)
                } else {
                    dst[row + x] = edgeSample(src, ix, iy, u, v)
                }
            }
        }
    }

    @inline(__always)
    private func edgeSample(_ src: UnsafeBufferPointer<Float>, _ ix: Int, _ iy: Int, _ u: Float, _ v: Float) -> Float {
        @inline(__always) func at(_ x: Int, _ y: Int) -> Float {
            x >= 0 && y >= 0 && x < width && y < height ? src[y * width + x] : 0
        }
        let top = at(ix, iy) * (1 - u) + at(ix + 1, iy) * u
        let bottom = at(ix, iy + 1) * (1 - u) + at(ix + 1, iy + 1) * u
        return top * (1 - v) + bottom * v
    }

    private func addNoise(_ dst: UnsafeMutableBufferPointer<Float>, std: Float, rng: inout RandomStream) {
        let n = height * width
        GaussianTable.values.withUnsafeBufferPointer { table in
            var i = 0
            while i < n {
                var bits = rng.next()
                for _ in 0..<4 where i < n {
                    let value = dst[i] + std * table[Int(bits & 0xFFFF)]
                    dst[i] = min(max(value, 0), 1)
                    bits >>= 16
                    i += 1
                }
            }
        }
    }

    private func eraseRectangle(_ dst: UnsafeMutableBufferPointer<Float>, _ erase: Augmentation.Erase, rng: inout RandomStream) {
        let area = Double(height * width) * (erase.min + (erase.max - erase.min) * rng.nextDouble())
        let logRatio = log(0.3) + (log(3.3) - log(0.3)) * rng.nextDouble()
        let ratio = exp(logRatio)
        let eh = min(height, max(1, Int((area * ratio).squareRoot().rounded())))
        let ew = min(width, max(1, Int((area / ratio).squareRoot().rounded())))
        let top = rng.nextInt(below: height - eh + 1), left = rng.nextInt(below: width - ew + 1)
        for y in top..<(top + eh) {
            for x in left..<(left + ew) { dst[y * width + x] = 0 }
        }
    }
}

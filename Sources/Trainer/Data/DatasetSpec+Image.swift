extension DatasetSpec {
    /// The pixel grid of a CSV whose feature columns are images (`data.image`), read row
    /// by row: column j of a row is pixel (j / width, j % width). Only grey images
    /// (`channels: 1`) are supported, because augmentation works on one channel.
    public struct Image: Sendable, Equatable, Codable {
        public var height: Int
        public var width: Int
        public var channels: Int

        public init(height: Int, width: Int, channels: Int = 1) {
            self.height = height; self.width = width; self.channels = channels
        }

        public init(from decoder: any Decoder) throws {
            let o = try SpecObject(decoder, keys: ["height", "width", "channels"])
            self.init(height: try o.required("height"), width: try o.required("width"),
                      channels: try o.optional("channels") ?? 1)
        }

        static let sideRange = 1...100_000

        /// Checks the values on their own; `features` is checked once the file is read.
        func validate() throws {
            for (key, value) in [("height", height), ("width", width)] where !Image.sideRange.contains(value) {
                throw DataError.invalidSpec(key: "image.\(key)", reason: "must be between 1 and \(Image.sideRange.upperBound), got \(value)")
            }
            guard channels == 1 else {
                throw DataError.invalidSpec(key: "image.channels", reason: "must be 1 (grey images only), got \(channels)")
            }
        }

        /// The dataset's image shape, or an error naming `image` when the grid does not
        /// hold the file's feature columns. Sides are at most 100,000, so the product fits.
        func shape(features: Int, source: String) throws -> Dataset.ImageShape {
            let pixels = height * width * channels
            guard pixels == features else {
                throw DataError.invalidSpec(
                    key: "image",
                    reason: "is \(height)×\(width) = \(pixels) pixels but \(source) has \(features) feature columns (all columns except the label)")
            }
            return Dataset.ImageShape(height: height, width: width)
        }
    }
}

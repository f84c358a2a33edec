/// What data a run uses: the source, its size, subset, validation split, preprocessing and
/// augmentation. Lives in run config files, so keys are short lowercase words:
///
/// ```json
/// {"source": "fashion-mnist", "subset": {"count": 1000, "random": true, "balanced": true},
///  "validation": 0.1, "preprocess": {"standardize": "global"},
///  "augment": {"shift": {"pixels": 2, "p": 0.5}, "flip": {"p": 0.5}}}
/// ```
///
/// - `source`: fashion-mnist, mnist, idx, csv, spirals, moons, circles, xor, blobs, teacher,
///   sequences.
/// - `path`: directory of IDX files (fashion-mnist: optional; mnist, idx: required) or the
///   CSV file; `label` (column index or name), `header`, `task` (classification or
///   regression) for CSV.
/// - Synthetic sets: `size` (training samples, default 1000), `test` (generated test
///   samples: a count, 0 for none, or a fraction of `size`; default size / 4), `noise`,
///   `classes`, `features`, `outputs`.
/// - `test` for csv: a count ≥ 1 or a fraction in (0, 1) held out of the file first, before
///   `subset` and `validation`. fashion-mnist, mnist and idx always test on their shipped
///   test files, so `test` is refused there.
/// - `stratify: true`: the test and validation splits take each class in proportion
///   (largest remainders, like scikit-learn's `train_test_split(stratify=y)`).
/// - `image: {height, width, channels: 1}` (csv): the feature columns are a pixel grid in
///   row-major order, so `augment` applies.
/// - `sequences` (padded variable-length sequences, `SequenceData`): `features` (values a
///   token, default 8), `length` (positions after padding, default 24), `lengths: {min, max}`
///   (real tokens a training, validation and test sequence holds, default 12–24), `shifted:
///   {lengths: {min, max}, size}` (an extra evaluation set with another padding share,
///   logged each epoch as `shifted_acc`; size defaults to the test size), `classes` (default
///   4), `noise` (default 0.5), `offset` (the real tokens' common mean along a fixed
///   direction, which the zero pads lack; default 0), `size`, `test`.
/// - `seed`: the data seed for synthetic sets, random subsets and the split; defaults to
///   the run's seed.
/// - `validation`: a fraction in (0, 1) or a sample count, taken from the training part.
public struct DatasetSpec: Sendable, Equatable, Codable {
    public enum Source: String, Sendable, Codable, CaseIterable {
        case fashionMNIST = "fashion-mnist", mnist, idx, csv, spirals, moons, circles, xor, blobs, teacher, sequences

        var synthetic: Synthetic.Kind? { Synthetic.Kind(rawValue: rawValue) }
    }

    /// A subset of the training part: the first `count` samples, or a seeded random choice;
    /// optionally the same number of each class.
    public struct Subset: Sendable, Equatable, Codable {
        public var count: Int
        public var random: Bool
        public var balanced: Bool
        public init(count: Int, random: Bool = false, balanced: Bool = false) {
            self.count = count; self.random = random; self.balanced = balanced
        }
        public init(from decoder: any Decoder) throws {
            let o = try SpecObject(decoder, keys: ["count", "random", "balanced"])
            self.init(count: try o.required("count"), random: try o.optional("random") ?? false,
                      balanced: try o.optional("balanced") ?? false)
        }
    }

    /// The extra evaluation set of a sequence source: the same task with other lengths (so
    /// another share of pads), `size` samples (default: the test size).
    public struct Shifted: Sendable, Equatable, Codable {
        public var lengths: SequenceData.Lengths
        public var size: Int?
        public init(lengths: SequenceData.Lengths, size: Int? = nil) { self.lengths = lengths; self.size = size }
        public init(from decoder: any Decoder) throws {
            let o = try SpecObject(decoder, keys: ["lengths", "size"])
            self.init(lengths: try o.required("lengths"), size: try o.optional("size"))
        }
    }

    /// How much of the training part to hold out for validation (see `HoldOut`).
    public typealias Validation = HoldOut

    /// Preprocessing after scaling to [0, 1].
    public struct Preprocess: Sendable, Equatable, Codable {
        /// Standardise with training statistics: `global` or `feature` (`true` means global).
        public var standardize: Standardization.Mode?
        public init(standardize: Standardization.Mode? = nil) { self.standardize = standardize }
        public init(from decoder: any Decoder) throws {
            let o = try SpecObject(decoder, keys: ["standardize"])
            if let flag = try? o.container.decodeIfPresent(Bool.self, forKey: SpecKey("standardize")) {
                standardize = flag ? .global : nil
            } else if let name = try o.optional("standardize", as: String.self) {
                guard let mode = Standardization.Mode(rawValue: name) else {
                    throw DataError.invalidSpec(key: o.qualified("standardize"),
                                                reason: "must be global, feature, true or false; got \"\(name)\"")
                }
                standardize = mode
            } else {
                standardize = nil
            }
        }
    }

    public var source: Source
    public var path: String?
    public var label: CSVLoader.LabelColumn?
    public var header: Bool?
    public var task: CSVLoader.Task?
    public var size: Int?
    public var test: HoldOut?
    public var noise: Double?
    public var classes: Int?
    public var features: Int?
    public var outputs: Int?
    public var seed: UInt64?
    public var subset: Subset?
    public var validation: Validation?
    public var preprocess: Preprocess?
    public var augment: Augmentation?
    public var stratify: Bool?
    public var image: Image?
    /// Positions after padding (`sequences`).
    public var length: Int?
    /// Real tokens a sequence holds (`sequences`).
    public var lengths: SequenceData.Lengths?
    /// The evaluation set with another padding share (`sequences`).
    public var shifted: Shifted?
    /// The common mean of real tokens along a fixed direction, which pads lack (`sequences`).
    public var offset: Double?

    public init(source: Source, path: String? = nil, label: CSVLoader.LabelColumn? = nil, header: Bool? = nil,
                task: CSVLoader.Task? = nil, size: Int? = nil, test: HoldOut? = nil, noise: Double? = nil,
                classes: Int? = nil, features: Int? = nil, outputs: Int? = nil, seed: UInt64? = nil,
                subset: Subset? = nil, validation: Validation? = nil, preprocess: Preprocess? = nil,
                augment: Augmentation? = nil, stratify: Bool? = nil, image: Image? = nil,
                length: Int? = nil, lengths: SequenceData.Lengths? = nil, shifted: Shifted? = nil,
                offset: Double? = nil) {
        self.source = source; self.path = path; self.label = label; self.header = header; self.task = task
        self.size = size; self.test = test; self.noise = noise; self.classes = classes
        self.features = features; self.outputs = outputs; self.seed = seed; self.subset = subset
        self.validation = validation; self.preprocess = preprocess; self.augment = augment
        self.stratify = stratify; self.image = image
        self.length = length; self.lengths = lengths; self.shifted = shifted; self.offset = offset
    }

    static let keys = ["source", "path", "label", "header", "task", "size", "test", "noise", "classes",
                       "features", "outputs", "seed", "subset", "validation", "preprocess", "augment",
                       "stratify", "image", "length", "lengths", "shifted", "offset"]

    public init(from decoder: any Decoder) throws {
        let o = try SpecObject(decoder, keys: DatasetSpec.keys)
        let name: String = try o.required("source")
        guard let source = Source(rawValue: name) else {
            throw DataError.invalidSpec(
                key: o.qualified("source"),
                reason: "\"\(name)\" is not a known source; expected one of \(Source.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let task: String? = try o.optional("task")
        guard task == nil || CSVLoader.Task(rawValue: task ?? "") != nil else {
            throw DataError.invalidSpec(key: o.qualified("task"), reason: "must be classification or regression")
        }
        self.init(source: source, path: try o.optional("path"), label: try o.optional("label"),
                  header: try o.optional("header"), task: task.flatMap(CSVLoader.Task.init(rawValue:)),
                  size: try o.optional("size"), test: try o.optional("test"), noise: try o.optional("noise"),
                  classes: try o.optional("classes"), features: try o.optional("features"),
                  outputs: try o.optional("outputs"), seed: try o.optional("seed"), subset: try o.optional("subset"),
                  validation: try o.optional("validation"), preprocess: try o.optional("preprocess"),
                  augment: try o.optional("augment"), stratify: try o.optional("stratify"),
                  image: try o.optional("image"), length: try o.optional("length"),
                  lengths: try o.optional("lengths"), shifted: try o.optional("shifted"),
                  offset: try o.optional("offset"))
    }
}

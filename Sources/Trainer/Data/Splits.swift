/// Subsets and train/validation/test splits, deterministic from a seed.
///
/// Random choices come from their own named streams (`data.subset`, `data.split`, `data.test`) seeded
/// from the data seed, so they never consume draws from the run's shuffle or augmentation
/// streams. Chosen samples keep their original order (the batch iterator shuffles later),
/// so the same choice always gives the same bytes and the same fingerprint.
public enum Splits {
    /// The indices of a subset of `count` samples.
    ///
    /// - `random: false` takes the first samples in file order; `random: true` a seeded
    ///   random choice. `balanced` takes `count / classes` of each class (the remainder
    ///   going to the lowest labels), which fails if a class has too few samples.
    public static func subsetIndices(of dataset: Dataset, count: Int, random: Bool, balanced: Bool,
                                     seed: UInt64) throws -> [Int] {
        guard count > 0, count <= dataset.count else {
            throw DataError.invalidRequest(
                "subset of \(count) samples requested from \(dataset.name), which has \(dataset.count)")
        }
        var rng = RandomStream(seed: seed, name: "data.subset")
        guard balanced else {
            guard random else { return Array(0..<count) }
            var order = Array(0..<dataset.count)
            partialShuffle(&order, first: count, rng: &rng)
            return order[0..<count].sorted()
        }
        guard dataset.isClassification else {
            throw DataError.invalidRequest("a balanced subset needs class labels; \(dataset.name) is a regression set")
        }
        let k = dataset.numClasses
        var byClass = [[Int]](repeating: [], count: k)
        for (i, label) in dataset.labels.enumerated() { byClass[Int(label)].append(i) }
        var chosen: [Int] = []
        chosen.reserveCapacity(count)
        for c in 0..<k {
            let quota = count / k + (c < count % k ? 1 : 0)
            guard byClass[c].count >= quota else {
                throw DataError.invalidRequest(
                    "balanced subset of \(count) needs \(quota) samples of class \(c); \(dataset.name) has \(byClass[c].count)")
            }
            if random { partialShuffle(&byClass[c], first: quota, rng: &rng) }
            chosen += byClass[c][0..<quota]
        }
        return chosen.sorted()
    }

    /// Splits `dataset` into training and validation parts: `validationCount` samples
    /// chosen at random from the seed go to validation, the rest to training.
    public static func trainValidation(_ dataset: Dataset, validationCount: Int, seed: UInt64)
        throws -> (train: Dataset, validation: Dataset)
    {
        guard validationCount > 0, validationCount < dataset.count else {
            throw DataError.invalidRequest(
                "a validation split of \(validationCount) needs between 1 and \(dataset.count - 1) samples; \(dataset.name) has \(dataset.count)")
        }
        let (trainIndices, validationIndices) = splitIndices(count: dataset.count, validationCount: validationCount, seed: seed)
        return (try dataset.selecting(trainIndices, name: dataset.name + "/train"),
                try dataset.selecting(validationIndices, name: dataset.name + "/validation"))
    }

    /// Disjoint, sorted index lists covering `0..<count`; `stream` names the random stream
    /// (`data.split` for validation, `data.test` for the test split).
    public static func splitIndices(count: Int, validationCount: Int, seed: UInt64,
                                    stream: String = "data.split") -> (train: [Int], validation: [Int]) {
        var rng = RandomStream(seed: seed, name: stream)
        var order = Array(0..<count)
        partialShuffle(&order, first: validationCount, rng: &rng)
        return (order[validationCount...].sorted(), order[0..<validationCount].sorted())
    }

    /// Puts a uniform random choice of `first` elements (in random order) at the front.
    static func partialShuffle(_ array: inout [Int], first: Int, rng: inout RandomStream) {
        let n = array.count
        guard n > 1 else { return }  // an empty class would make the range below 0..<-1
        for i in 0..<min(first, n - 1) {
            let j = i + rng.nextInt(below: n - i)
            if i != j { array.swapAt(i, j) }
        }
    }
}

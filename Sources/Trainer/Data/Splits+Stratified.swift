extension Splits {
    /// Holds `heldOut` samples of `dataset` out, plainly or per class, from the stream
    /// `stream`; returns the remaining part (named `name/restName`, or `name`) and the held-out one.
    static func holdOut(_ dataset: Dataset, heldOut: Int, stratify: Bool, seed: UInt64, stream: String,
                        restName: String?, partName: String) throws -> (rest: Dataset, part: Dataset) {
        let (rest, part): ([Int], [Int])
        if stratify {
            (rest, part) = stratifiedIndices(labels: dataset.labels, numClasses: dataset.numClasses,
                                             heldOut: heldOut, seed: seed, stream: stream)
        } else {
            (rest, part) = splitIndices(count: dataset.count, validationCount: heldOut, seed: seed, stream: stream)
        }
        return (try dataset.selecting(rest, name: restName.map { dataset.name + "/" + $0 } ?? dataset.name),
                try dataset.selecting(part, name: dataset.name + "/" + partName))
    }

    /// Per-class quotas summing to `heldOut`, each within 1 of the exact share
    /// `heldOut × classCount / total`: the floors first, then one more for the classes
    /// with the largest remainders (ties to the lower label). This is the largest-remainder
    /// rule scikit-learn's `train_test_split(stratify=…)` uses, up to its random tie-breaks.
    static func stratifiedQuotas(classCounts: [Int], heldOut wanted: Int) -> [Int] {
        let total = classCounts.reduce(0, +)
        guard total > 0 else { return classCounts.map { _ in 0 } }
        let heldOut = min(max(wanted, 0), total)
        // Exact integer arithmetic: counts are at most the sample count, far below 2^31.
        var quotas = classCounts.map { $0 * heldOut / total }
        let remainders = classCounts.map { $0 * heldOut % total }
        let missing = heldOut - quotas.reduce(0, +)
        let order = classCounts.indices.sorted { remainders[$0] != remainders[$1] ? remainders[$0] > remainders[$1] : $0 < $1 }
        for c in order.prefix(missing) { quotas[c] += 1 }
        return quotas
    }

    /// A stratified split: `heldOut` indices drawn class by class (quotas from
    /// `stratifiedQuotas`), each class's choice a seeded random one. Both lists sorted.
    static func stratifiedIndices(labels: [Int32], numClasses: Int, heldOut: Int, seed: UInt64,
                                  stream: String) -> (rest: [Int], part: [Int]) {
        var byClass = [[Int]](repeating: [], count: numClasses)
        for (i, label) in labels.enumerated() where label >= 0 && Int(label) < numClasses { byClass[Int(label)].append(i) }
        let quotas = stratifiedQuotas(classCounts: byClass.map(\.count), heldOut: heldOut)
        var rng = RandomStream(seed: seed, name: stream + ".stratified")
        var rest: [Int] = [], part: [Int] = []
        for c in 0..<numClasses where !byClass[c].isEmpty {
            partialShuffle(&byClass[c], first: quotas[c], rng: &rng)
            part += byClass[c][0..<quotas[c]]
            rest += byClass[c][quotas[c]...]
        }
        return (rest.sorted(), part.sorted())
    }
}

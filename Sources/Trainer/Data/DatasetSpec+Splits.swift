extension DatasetSpec {
    /// Test samples a synthetic source generates: the count given (0 for none), a fraction
    /// of `size`, or size / 4 by default.
    var syntheticTestSize: Int {
        let size = self.size ?? 1000
        switch test {
        case let .count(n)?: return n
        case let .fraction(f)?: return max(1, Int((f * Double(min(size, 10_000_000))).rounded()))
        case nil: return max(1, size / 4)
        }
    }

    /// Checks `test` (outside synthetic sources), `stratify` and `image`.
    func validateSplitsAndImage() throws {
        func fail(_ key: String, _ reason: String) -> DataError { DataError.invalidSpec(key: key, reason: reason) }
        let imageSource = [.fashionMNIST, .mnist, .idx].contains(source)
        if test != nil, imageSource {
            // The shipped test files are what published results are measured on; holding
            // out part of the training file as well would silently replace them.
            throw fail("test", "does not apply to \(source.rawValue), which tests on its shipped test files (t10k-*); hold out part of the training file with `validation`")
        }
        if source == .csv, let problem = test?.problem(key: "test") { throw fail("test", problem) }
        if stratify == true {
            if source == .teacher || task == .regression {
                throw fail("stratify", "needs class labels; this is a regression set")
            }
            guard validation != nil || (source == .csv && test != nil) else {
                throw fail("stratify", "has no split to stratify: set `validation`\(source == .csv ? " or `test`" : "")")
            }
        }
        if let image {
            guard source == .csv else {
                throw fail("image", "applies only to csv sources (\(imageSource ? "IDX files carry their own image shape" : "synthetic sets are not images"))")
            }
            try image.validate()
        }
    }

    /// Holds `holdOut` samples of `data` out as the `key` split (plain or stratified),
    /// appending `key=n[,stratified]` to the split description (part of the fingerprint).
    func split(_ data: Dataset, _ holdOut: HoldOut, key: String, seed: UInt64, stream: String,
               names: (rest: String?, part: String), description: inout [String]) throws -> (rest: Dataset, part: Dataset) {
        let n = holdOut.count(of: data.count)
        guard n >= 1 else {
            throw DataError.invalidSpec(key: key, reason: "holds out no sample of \(data.count) (the fraction rounds to 0); give a larger fraction or a count")
        }
        guard n <= data.count else {
            throw DataError.invalidSpec(key: key, reason: "holds out \(n) samples but only \(data.count) are there")
        }
        guard n < data.count else {
            throw DataError.invalidSpec(key: key, reason: "holds out \(n) of \(data.count) samples, leaving none to train on")
        }
        let stratified = stratify == true
        if stratified, !data.isClassification {
            throw DataError.invalidSpec(key: "stratify", reason: "needs class labels; \(data.name) is a regression set")
        }
        let (rest, part) = try Splits.holdOut(data, heldOut: n, stratify: stratified, seed: seed, stream: stream,
                                              restName: names.rest, partName: names.part)
        description.append("\(key)=\(n)" + (stratified ? ",stratified" : ""))
        return (rest, part)
    }
}

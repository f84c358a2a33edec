extension DatasetSpec {
    /// Checks every value; the error names the key at fault.
    public func validate() throws {
        func fail(_ key: String, _ reason: String) -> DataError { DataError.invalidSpec(key: key, reason: reason) }
        switch source {
        case .mnist, .idx, .csv:
            guard let path, !path.isEmpty else { throw fail("path", "is required for source \(source.rawValue)") }
        case .fashionMNIST:
            if let path, path.isEmpty { throw fail("path", "must not be empty") }
        default:
            if path != nil { throw fail("path", "applies only to fashion-mnist, mnist, idx and csv sources") }
        }
        if source == .csv {
            guard label != nil else { throw fail("label", "is required for csv (a column index or header name)") }
            if case let .index(i)? = label, i < 0 { throw fail("label", "must be a column index ≥ 0, got \(i)") }
        } else {
            if label != nil { throw fail("label", "applies only to csv sources") }
            if header != nil { throw fail("header", "applies only to csv sources") }
            if task != nil { throw fail("task", "applies only to csv sources") }
        }
        if let kind = source.synthetic {
            if let size, !(1...10_000_000).contains(size) { throw fail("size", "must be between 1 and 10000000, got \(size)") }
            switch test {
            case let .count(n)?: if !(0...10_000_000).contains(n) { throw fail("test", "must be between 0 and 10000000, got \(n)") }
            case let .fraction(f)?: if !(f > 0 && f < 1) { throw fail("test", "as a fraction of size must be in (0, 1), got \(f)") }
            case nil: break
            }
            if let noise, !(noise >= 0 && noise.isFinite) { throw fail("noise", "must be a finite number ≥ 0, got \(noise)") }
            if let classes, [.moons, .xor].contains(kind), classes != 2 { throw fail("classes", "must be 2 for \(kind.rawValue)") }
            if let classes, !(2...1000).contains(classes) { throw fail("classes", "must be between 2 and 1000, got \(classes)") }
            if kind == .teacher, classes != nil { throw fail("classes", "does not apply to teacher (a regression set)") }
            if let features, ![.blobs, .teacher].contains(kind) { throw fail("features", "applies only to blobs and teacher, got \(features)") }
            if let features, !(1...100_000).contains(features) { throw fail("features", "must be between 1 and 100000, got \(features)") }
            if outputs != nil, kind != .teacher { throw fail("outputs", "applies only to teacher") }
            if let outputs, !(1...10_000).contains(outputs) { throw fail("outputs", "must be between 1 and 10000, got \(outputs)") }
            // Generated in memory: samples × features floats must fit a budget (1 GiB).
            let samples = Double(size ?? 1000) + Double(syntheticTestSize)
            let values = samples * Double(max(features ?? 2, outputs ?? 1, 2))
            if values > Double(SpecBounds.maxSyntheticValues) {
                throw fail(size != nil ? "size" : "features", "makes \(SpecBounds.format(values)) values of generated data; at most \(SpecBounds.maxSyntheticValues) (samples × features)")
            }
        } else if source == .sequences {
            try validateSequences()
        } else {
            for (key, value) in [("size", size), ("classes", classes), ("features", features), ("outputs", outputs)]
                where value != nil {
                throw fail(key, "applies only to synthetic sources")
            }
            if noise != nil { throw fail("noise", "applies only to synthetic sources") }
        }
        if source != .sequences {
            for (key, present) in [("length", length != nil), ("lengths", lengths != nil), ("shifted", shifted != nil), ("offset", offset != nil)] where present {
                throw fail(key, "applies only to the sequences source")
            }
        }
        if let subset {
            if subset.count < 1 { throw fail("subset.count", "must be at least 1, got \(subset.count)") }
            if subset.balanced, source == .teacher || task == .regression {
                throw fail("subset.balanced", "needs class labels; this is a regression set")
            }
        }
        if let problem = validation?.problem(key: "validation") { throw fail("validation", problem) }
        try validateSplitsAndImage()
        if let augment {
            try augment.validate()
            if augment.isEnabled, ![.fashionMNIST, .mnist, .idx].contains(source), image == nil {
                throw fail("augment", "applies only to image sources (fashion-mnist, mnist, idx, or csv with `image: {height, width}`)")
            }
        }
    }

    /// Loads, subsets, splits and fingerprints the data; `seed` is the run's seed, used
    /// unless the spec sets its own.
    public func load(seed runSeed: UInt64) throws -> PreparedData {
        try validate()
        let seed = self.seed ?? runSeed
        var (train, test) = try loadSource(seed: seed)
        var description: [String] = []
        if source == .csv, let heldOut = self.test {
            // The test split comes first, so subset and validation never see test samples.
            let parts = try split(train, heldOut, key: "test", seed: seed, stream: "data.test",
                                  names: (nil, "test"), description: &description)
            (train, test) = (parts.rest, parts.part)
        }
        if let subset {
            let indices: [Int]
            do {
                indices = try Splits.subsetIndices(of: train, count: subset.count, random: subset.random,
                                                   balanced: subset.balanced, seed: seed)
            } catch DataError.invalidRequest(let reason) {
                throw DataError.invalidSpec(key: "subset.count", reason: reason)  // the key the user can change
            }
            train = try train.selecting(indices)
            description.append("subset=\(subset.count),random=\(subset.random),balanced=\(subset.balanced)")
        }
        var validationSet: Dataset?
        if let validation, validation.count(of: train.count) > 0 {
            let parts = try split(train, validation, key: "validation", seed: seed, stream: "data.split",
                                  names: ("train", "validation"), description: &description)
            (train, validationSet) = (parts.rest, parts.part)
        }
        let shiftedSet = try makeShifted(seed: seed)
        if let shiftedSet { description.append("shifted=\(shiftedSet.count)") }
        var standardization: Standardization?
        if let mode = preprocess?.standardize {
            standardization = Standardization.fit(train, mode: mode)
            description.append("standardize=\(mode.rawValue)")
        }
        let splitDescription = description.isEmpty ? "all" : description.joined(separator: ";")
        let parts = [train] + (validationSet.map { [$0] } ?? []) + (test.map { [$0] } ?? []) + (shiftedSet.map { [$0] } ?? [])
        let fingerprint = Fingerprint.of(parts, spec: splitDescription)
        return PreparedData(train: train, validation: validationSet, test: test, standardization: standardization,
                            augmentation: augment?.isEnabled == true ? augment : nil,
                            splitDescription: splitDescription, fingerprint: fingerprint, shifted: shiftedSet)
    }

    private func loadSource(seed: UInt64) throws -> (train: Dataset, test: Dataset?) {
        switch source {
        case .fashionMNIST, .mnist, .idx:
            let directory = path ?? IDXDataset.fashionMNISTDirectory
            let package = source == .fashionMNIST && path == nil ? IDXDataset.fashionMNISTPackage : nil
            let train = try IDXDataset.load(directory: directory, part: .train, package: package, name: source.rawValue)
            let test = try IDXDataset.load(directory: directory, part: .test, package: package, name: source.rawValue)
            guard train.features == test.features else {
                throw DataError.invalidRequest("\(directory): training images have \(train.features) pixels, test images \(test.features)")
            }
            return (train, test)
        case .csv:
            guard let path, let label else { throw DataError.invalidSpec(key: "path", reason: "is required for csv") }
            let data = try CSVLoader.load(path: path, label: label, header: header, task: task ?? .classification)
            guard let image else { return (data, nil) }
            return (try data.withImageShape(image.shape(features: data.features, source: path)), nil)
        case .sequences:
            let testSize = syntheticTestSize
            return (try makeSequences(size ?? 1000, part: "train", lengths: sequenceLengths, seed: seed),
                    testSize > 0 ? try makeSequences(testSize, part: "test", lengths: sequenceLengths, seed: seed) : nil)
        case .spirals, .moons, .circles, .xor, .blobs, .teacher:
            guard let kind = source.synthetic else { throw DataError.invalidSpec(key: "source", reason: "is not synthetic") }
            let size = self.size ?? 1000
            let testSize = syntheticTestSize
            func make(_ n: Int, _ part: String) throws -> Dataset {
                try Synthetic.make(kind, size: n, noise: noise, classes: classes ?? (kind == .spirals ? 3 : 2),
                                   features: features ?? (kind == .teacher ? 10 : 2), outputs: outputs ?? 1,
                                   seed: seed, part: part)
            }
            return (try make(size, "train"), testSize > 0 ? try make(testSize, "test") : nil)
        }
    }
}

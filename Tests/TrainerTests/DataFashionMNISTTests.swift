import Foundation
import Testing
@testable import Trainer

private let fashionAvailable: Bool = {
    let ok = IDXDataset.isAvailable(directory: IDXDataset.fashionMNISTDirectory)
    if !ok {
        print("Skipping Fashion-MNIST tests: \(IDXDataset.fashionMNISTDirectory) is missing; "
              + "install it with `apt-get install \(IDXDataset.fashionMNISTPackage)`")
    }
    return ok
}()

@Suite("Fashion-MNIST", .enabled(if: fashionAvailable, "needs apt-get install dataset-fashion-mnist"))
struct DataFashionMNISTTests {
    @Test("60,000 training and 10,000 test images of 28×28; 6,000 of each class in training")
    func shapesAndClasses() throws {
        let train = try IDXDataset.load(directory: IDXDataset.fashionMNISTDirectory, part: .train)
        let test = try IDXDataset.load(directory: IDXDataset.fashionMNISTDirectory, part: .test)
        #expect(train.count == 60_000 && test.count == 10_000)
        #expect(train.imageShape == Dataset.ImageShape(height: 28, width: 28) && train.features == 784)
        #expect(train.numClasses == 10)
        #expect(train.classCounts == [Int](repeating: 6_000, count: 10))
        #expect(test.classCounts == [Int](repeating: 1_000, count: 10))
        let mean = train.x.reduce(0.0) { $0 + Double($1) } / Double(train.x.count)
        #expect(abs(mean - 0.2860) < 0.001)
    }

    @Test("the spec loads a balanced 1,000-sample subset with a validation split")
    func specSubset() throws {
        let spec = DatasetSpec(source: .fashionMNIST, subset: .init(count: 1000, random: true, balanced: true),
                               validation: .count(100), preprocess: .init(standardize: .global))
        let data = try spec.load(seed: 7)
        #expect(data.train.count == 900 && data.validation?.count == 100 && data.test?.count == 10_000)
        let counts = zip(data.train.classCounts, data.validation?.classCounts ?? []).map { $0 + $1 }
        #expect(counts == [Int](repeating: 100, count: 10))
        #expect(data.standardization?.mean.count == 1)
        #expect(try spec.load(seed: 7).fingerprint == data.fingerprint)
    }
}

import Foundation
import Testing
@testable import Trainer

@Suite("CSV, synthetic sets and dataset specs")
struct DataSourceTests {
    @Test("a CSV with a header loads by label name; string labels map to sorted ids")
    func csvByName() throws {
        let text = "a,b,species\r\n1.5,2,setosa\n3,-4e-1,virginica\n\n0, 1 ,setosa\n"
        let data = try CSVLoader.parse(text, path: "iris.csv", label: .name("species"))
        #expect(data.count == 3 && data.features == 2 && data.numClasses == 2)
        #expect(data.x == [1.5, 2, 3, -0.4, 0, 1])
        #expect(data.labels == [0, 1, 0])
    }

    @Test("a CSV without a header loads by label index, header detected automatically")
    func csvByIndex() throws {
        let data = try CSVLoader.parse("2,0.5,0.25\n0,1,1\n", label: .index(0))
        #expect(data.labels == [2, 0] && data.numClasses == 3 && data.x == [0.5, 0.25, 1, 1])
        let regression = try CSVLoader.parse("x,y\n1,2\n3,4\n", label: .index(1), task: .regression)
        #expect(regression.targets == [2, 4] && regression.x == [1, 3])
    }

    @Test("bad CSV rows are errors with their line numbers")
    func csvErrors() throws {
        #expect(throws: DataError.badRow(path: "d.csv", line: 3, reason: "expected 3 fields, found 2")) {
            try CSVLoader.parse("a,b,c\n1,2,0\n1,2\n", path: "d.csv", label: .index(2))
        }
        #expect(throws: DataError.badRow(path: "d.csv", line: 2, reason: "b: \"x\" is not a number")) {
            try CSVLoader.parse("a,b,c\n1,x,0\n", path: "d.csv", label: .index(2))
        }
        #expect(throws: DataError.badRow(path: "d.csv", line: 4, reason: "a: nan is not a finite number")) {
            try CSVLoader.parse("a,b,c\n1,1,0\n\nnan,1,0\n", path: "d.csv", label: .index(2))
        }
        #expect(throws: DataError.self) { try CSVLoader.parse("a,b\n1,2\n", path: "d.csv", label: .name("label")) }
        #expect(throws: DataError.self) { try CSVLoader.parse("", path: "d.csv", label: .index(0)) }
        #expect(throws: DataError.unreadableFile(path: "/nonexistent.csv", reason: "no such file")) {
            try CSVLoader.load(path: "/nonexistent.csv", label: .index(0))
        }
    }

    @Test("a CSV file loads through the spec")
    func csvSpec() throws {
        let dir = try makeTemporaryDirectory()
        let rows = (0..<50).map { "\($0),\(Double($0) / 10),\($0 % 2)" }
        try write(Array(("id,value,label\n" + rows.joined(separator: "\n")).utf8), to: "\(dir)/d.csv")
        let data = try DatasetSpec(source: .csv, path: "\(dir)/d.csv", label: .name("label"), validation: .fraction(0.2))
            .load(seed: 1)
        #expect(data.train.count == 40 && data.validation?.count == 10 && data.test == nil)
    }

    @Test("synthetic sets have the asked size, classes and balance")
    func synthetic() throws {
        for kind in [Synthetic.Kind.spirals, .moons, .circles, .xor, .blobs] {
            let classes = kind == .spirals || kind == .blobs ? 4 : 2
            let data = try Synthetic.make(kind, size: 400, noise: 0.1, classes: classes, features: 2, seed: 1)
            #expect(data.count == 400 && data.numClasses == classes && data.features == 2)
            #expect(data.classCounts == [Int](repeating: 400 / classes, count: classes))
            #expect(data == (try Synthetic.make(kind, size: 400, noise: 0.1, classes: classes, features: 2, seed: 1)))
            #expect(data.x != (try Synthetic.make(kind, size: 400, noise: 0.1, classes: classes, features: 2, seed: 2)).x)
        }
        let xor = try Synthetic.make(.xor, size: 200, noise: 0, seed: 3)
        for i in 0..<xor.count {
            #expect(xor.labels[i] == ((xor.x[2 * i] > 0) != (xor.x[2 * i + 1] > 0) ? 1 : 0))
        }
        let teacher = try Synthetic.make(.teacher, size: 100, noise: 0, features: 5, outputs: 2, seed: 1)
        let teacherTest = try Synthetic.make(.teacher, size: 100, noise: 0, features: 5, outputs: 2, seed: 1, part: "test")
        #expect(teacher.targets.count == 200 && teacher.x != teacherTest.x)
        #expect(throws: DataError.invalidSpec(key: "classes", reason: "must be 2 for moons, got 3")) {
            try Synthetic.make(.moons, size: 10, classes: 3, seed: 1)
        }
    }

    @Test("a spec decodes from JSON and round-trips")
    func specJSON() throws {
        let json = """
        {"source": "fashion-mnist", "subset": {"count": 1000, "random": true, "balanced": true},
         "validation": 0.1, "preprocess": {"standardize": true},
         "augment": {"shift": {"pixels": 2}, "rotation": {"degrees": 10, "p": 0.3}, "flip": {}}}
        """
        let spec = try JSONDecoder().decode(DatasetSpec.self, from: Data(json.utf8))
        #expect(spec.source == .fashionMNIST && spec.subset == .init(count: 1000, random: true, balanced: true))
        #expect(spec.validation == .fraction(0.1) && spec.preprocess?.standardize == .global)
        #expect(spec.augment?.shift == .init(pixels: 2, p: 0.5) && spec.augment?.flip == .init(p: 0.5))
        try spec.validate()
        let again = try JSONDecoder().decode(DatasetSpec.self, from: JSONEncoder().encode(spec))
        #expect(again == spec)
        let count = try JSONDecoder().decode(DatasetSpec.self, from: Data(#"{"source":"moons","validation":200}"#.utf8))
        #expect(count.validation == .count(200))
    }

    @Test("unknown keys and bad values are errors naming the key")
    func specErrors() throws {
        func decodeError(_ json: String) -> DataError? {
            do { _ = try JSONDecoder().decode(DatasetSpec.self, from: Data(json.utf8)).validate(); return nil } catch {
                return error as? DataError
            }
        }
        func key(_ json: String) -> String? {
            if case let .invalidSpec(key, _)? = decodeError(json) { return key } else { return nil }
        }
        #expect(key(#"{"source":"fashion-mnist","augment":{"rotation":{"degree":10}}}"#) == "augment.rotation.degree")
        #expect(key(#"{"source":"fashion-mnist","subsett":{"count":10}}"#) == "subsett")
        #expect(key(#"{"source":"mnst"}"#) == "source")
        #expect(key(#"{"size":10}"#) == "source")
        #expect(key(#"{"source":"moons","size":"ten"}"#) == "size")
        #expect(key(#"{"source":"moons","validation":1.5}"#) == "validation")
        #expect(key(#"{"source":"mnist"}"#) == "path")
        #expect(key(#"{"source":"csv","path":"x.csv"}"#) == "label")
        #expect(key(#"{"source":"moons","augment":{"flip":{"p":0.5}}}"#) == "augment")
        #expect(key(#"{"source":"fashion-mnist","augment":{"noise":{"std":0.1,"p":2}}}"#) == "augment.noise.p")
        #expect(key(#"{"source":"fashion-mnist","preprocess":{"standardize":"yes"}}"#) == "preprocess.standardize")
        #expect(key(#"{"source":"spirals","classes":1}"#) == "classes")
        #expect(decodeError(#"{"source":"fashion-mnist","subsett":{}}"#)?.localizedDescription.contains("expected one of") == true)
    }

    @Test("a spec pointing at a missing directory says what to install or fix")
    func missingDirectorySpec() {
        #expect(throws: DataError.missingDirectory(path: "/nonexistent/mnist", package: nil)) {
            try DatasetSpec(source: .mnist, path: "/nonexistent/mnist").load(seed: 1)
        }
    }
}

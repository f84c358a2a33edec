import ArgumentParser
import Tracker

/// `tracker gc`: purge soft-deleted runs and orphaned blobs, then vacuum.
struct GCCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gc", abstract: "Purge soft-deleted runs and checkpoint blobs nothing refers to, then vacuum the file.")

    @OptionGroup var store: StoreOptions

    func run() throws {
        let report = try store.openExisting().collectGarbage()
        Console.out("removed \(report.runs.count) deleted run\(report.runs.count == 1 ? "" : "s")\(report.runs.isEmpty ? "" : ": " + report.runs.joined(separator: ", "))")
        Console.out("removed \(report.blobs) orphaned blob\(report.blobs == 1 ? "" : "s")")
        Console.out("database \(Fmt.bytes(report.bytesBefore)) → \(Fmt.bytes(report.bytesAfter)) after vacuum")
    }
}

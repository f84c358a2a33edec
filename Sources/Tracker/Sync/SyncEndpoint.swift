/// One run as `tracker sync` sees it in one store: its reference there, its record as
/// readers show it, and whether its row was left `running` by a process that is gone.
public struct SyncRun: Sendable {
    /// The run in the store it was read from (not valid in another store).
    public var ref: RunRef
    public var info: RunInfo
    /// The stored status is `running` but its process is provably gone: it reads, and is
    /// copied, as `crashed` (ended at its last heartbeat).
    public var leftRunning: Bool

    public var id: String { info.id }

    public init(ref: RunRef, info: RunInfo, leftRunning: Bool) {
        self.ref = ref
        self.info = info
        self.leftRunning = leftRunning
    }
}

/// An experiment as it travels: by name, with its lifecycle times and tags (sorted by key).
public struct SyncExperiment: Sendable, Equatable {
    public var name: String
    public var createdAt: Double
    public var deletedAt: Double?
    public var updatedAt: Double?
    public var tags: [(key: String, value: String)]

    public init(name: String, createdAt: Double, deletedAt: Double?, updatedAt: Double?, tags: [(key: String, value: String)]) {
        self.name = name
        self.createdAt = createdAt
        self.deletedAt = deletedAt
        self.updatedAt = updatedAt
        self.tags = tags
    }

    public static func == (a: SyncExperiment, b: SyncExperiment) -> Bool {
        a.name == b.name && a.createdAt == b.createdAt && a.deletedAt == b.deletedAt && a.updatedAt == b.updatedAt
            && a.tags.map(\.key) == b.tags.map(\.key) && a.tags.map(\.value) == b.tags.map(\.value)
    }
}

/// Which runs a sync takes: those of one experiment and/or matching a filter (the `--where`
/// language); soft-deleted runs never (a parent is taken along whatever its state).
public struct SyncSelection: Sendable {
    public var experiment: String?
    public var filter: String?
    public init(experiment: String? = nil, filter: String? = nil) {
        self.experiment = experiment
        self.filter = filter
    }
}

/// A store runs can be copied out of, whatever its backend. Every read is of values as they
/// travel: a key column as the key's name, the run row in `RunTable.runColumns` order.
public protocol SyncSource: AnyObject {
    /// A description for messages (a path, a URL without its password).
    var syncName: String { get }
    /// The selected runs, oldest first.
    func syncRuns(_ selection: SyncSelection) throws -> [SyncRun]
    /// The run with exactly this id (deleted or not), or nil.
    func syncRun(id: String) throws -> SyncRun?
    /// The run's own row in `RunTable.runColumns` order; status and end time as readers show them.
    func syncRunRow(_ run: SyncRun) throws -> [SQLValue]
    func syncExperiment(named name: String) throws -> SyncExperiment?
    /// Calls `body` with each row of `table` that belongs to `run`, in `table.order`, values
    /// in `table.columns` order. Text orders by UTF-8 bytes on every backend.
    func forEachSyncRow(of run: SyncRun, in table: RunTable, _ body: ([SQLValue]) throws -> Void) throws
    /// The bytes of a blob, or nil when the store lacks it.
    func syncBlob(sha256: String) throws -> [UInt8]?
}

/// A store runs can be copied into.
public protocol SyncDestination: SyncSource {
    /// Writes `run` with every row it owns (read from `source`), its experiment when missing
    /// and the blobs it refers to, in ONE transaction: after a kill the run is there whole or
    /// not at all. Returns false, writing nothing, when a run with its id is already there.
    func insertSyncRun(_ run: SyncRun, from source: any SyncSource, number: Int) throws -> Bool
}

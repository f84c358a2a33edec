/// A table whose rows belong to one run (`run_seq`), described once for everything that
/// walks a run's records: `tracker sync` copies and compares them, `gc` purges them, a
/// resume drops the per-step ones after its checkpoint.
///
/// The description is backend-neutral: a column holding an interned name (an id in `keys`)
/// travels as the name, a store-assigned id is not copied (the destination assigns its own,
/// rows keep their order), and a blob column names a row of `blobs` by SHA-256.
public struct RunTable: Sendable, Hashable {
    public let name: String
    /// The columns copied, in order: every column but `run_seq` and `surrogateID`.
    public let columns: [String]
    /// Columns holding ids of `keys`; they travel as the key's name.
    public let keyColumns: Set<String>
    /// The column naming a blob (`blobs.sha256`), copied with the blob's bytes.
    public let blobColumn: String?
    /// A store-assigned id (`checkpoints.id`, `events.id`): not copied; rows are read and
    /// written in its order, so the destination's ids keep the source's order.
    public let surrogateID: String?
    /// The order rows are read in, the same on every backend (key columns by their name, in
    /// UTF-8 byte order): the primary key, or the surrogate id.
    public let order: [String]
    /// Whether the table has a `step` column: a resume drops its rows after the checkpoint step.
    public let hasStep: Bool

    init(_ name: String, _ columns: [String], keys: Set<String> = [], blob: String? = nil, surrogateID: String? = nil, order: [String]) {
        self.name = name
        self.columns = columns
        self.keyColumns = keys
        self.blobColumn = blob
        self.surrogateID = surrogateID
        self.order = order
        self.hasStep = columns.contains("step")
    }
}

extension RunTable {
    /// Every table that belongs to one run, in the order a copy writes them. The one list:
    /// a migration that adds a run table adds it here (a test compares this list with the schema).
    public static let all: [RunTable] = [
        RunTable("params", ["key", "type", "value_text", "value_num"], order: ["key"]),
        RunTable("tags", ["key", "value"], order: ["key"]),
        RunTable("metrics", ["key_id", "step", "epoch", "value", "wall_time"], keys: ["key_id"], order: ["key_id", "step"]),
        RunTable("latest_metrics", ["key_id", "last_step", "last_epoch", "last_value", "min_value", "min_step", "max_value", "max_step", "count", "nan_count"],
                 keys: ["key_id"], order: ["key_id"]),
        RunTable("metric_tiles", ["key_id", "tile", "count", "min_step", "min_value", "max_step", "max_value"], keys: ["key_id"], order: ["key_id", "tile"]),
        RunTable("metric_fine_tiles", ["key_id", "tile", "count", "min_step", "min_value", "max_step", "max_value"], keys: ["key_id"], order: ["key_id", "tile"]),
        RunTable("grad_stats", ["tensor_id", "step", "epoch", "l2", "mean", "std", "max_abs", "zero_frac", "update_ratio"],
                 keys: ["tensor_id"], order: ["tensor_id", "step"]),
        RunTable("layer_stats", ["layer_id", "stat_id", "step", "epoch", "value"], keys: ["layer_id", "stat_id"], order: ["layer_id", "stat_id", "step"]),
        RunTable("bn_stats", ["layer_id", "step", "epoch", "running_mean", "running_var", "mean_avg", "mean_abs_max", "var_avg", "var_min", "var_max"],
                 keys: ["layer_id"], order: ["layer_id", "step"]),
        RunTable("histograms", ["tensor_id", "step", "epoch", "lo", "hi", "counts"], keys: ["tensor_id"], order: ["tensor_id", "step"]),
        RunTable("checkpoints", ["step", "epoch", "kind", "blob_sha256", "size", "created_at"], blob: "blob_sha256", surrogateID: "id", order: ["id"]),
        RunTable("events", ["step", "epoch", "kind", "level", "message", "created_at"], surrogateID: "id", order: ["id"]),
        RunTable("artifacts", ["path", "blob_sha256", "size", "created_at"], blob: "blob_sha256", order: ["path"]),
        RunTable("landscapes", ["kind", "checkpoint_step", "checkpoint_kind", "checkpoint_sha256", "end_run_id", "end_checkpoint_step",
                                "end_checkpoint_sha256", "normalization", "direction_seed", "subset_size", "subset_fingerprint", "grid", "span",
                                "loss", "accuracy", "trajectory", "nonconvex_share", "nonconvex_threshold", "points_per_second", "created_at"],
                 surrogateID: "id", order: ["id"]),
    ]

    /// The run's own row as it travels, `seq` left out: `experiment` is the experiment's
    /// name (`runs.experiment_id`) and `parent` the parent's id (`runs.parent_seq`).
    public static let runColumns = [
        "id", "uuid", "experiment", "name", "status", "created_at", "started_at", "ended_at", "seed", "config", "config_hash",
        "environment", "parent", "origin", "pid", "host", "heartbeat_at", "deleted_at", "queued_at",
    ]

    /// The tables shared by runs rather than owned by one: experiments (copied by name with
    /// their tags when the destination lacks them), interned names, blobs, and the schema's
    /// own bookkeeping (never copied).
    public static let storeTables: Set<String> = ["runs", "experiments", "experiment_tags", "keys", "blobs", "schema_migrations"]

    /// The per-step tables a resume truncates after its checkpoint step.
    static var stepped: [RunTable] { all.filter(\.hasStep) }
}

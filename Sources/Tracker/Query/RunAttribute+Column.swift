extension RunAttribute {
    /// The SQL expression of the attribute over `runs r JOIN experiments e`: the one map that
    /// filters (`FilterCompiler`) and orderings (`RunSort`) share, so `--sort parent` and
    /// `--where "parent = …"` both mean the parent's id, and `status` is the derived status.
    var column: String {
        switch self {
        case .id: "r.id"
        case .name: "r.name"
        case .status: Liveness.statusSQL()  // derived: a dead `running` run reads as crashed
        case .experiment: "e.name"
        case .origin: "r.origin"
        case .parent: "(SELECT p.id FROM runs p WHERE p.seq = r.parent_seq)"
        case .configHash: "r.config_hash"
        case .seed: "r.seed"
        case .start: "r.started_at"
        case .end: "r.ended_at"
        case .duration: "(coalesce(r.ended_at, r.heartbeat_at) - r.started_at)"
        }
    }
}

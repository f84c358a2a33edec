/// JSON forms of the records, shared by `--format json` and the web UI.
extension RunInfo {
    /// Identity, status, lineage and times (config and environment are separate sections).
    public var json: JSONValue {
        .object([
            "id": .string(id), "uuid": .string(uuid), "experiment": .string(experiment), "name": .string(name),
            "status": .string(status.rawValue), "origin": .string(origin.rawValue), "parent": parentID.map { .string($0) } ?? .null,
            "seed": .string(String(seed)), "config_hash": .string(configHash),
            "start": Format.isoTime(startedAt).map { .string($0) } ?? .null,
            "end": Format.isoTime(endedAt).map { .string($0) } ?? .null,
            "duration_s": duration.map { .double($0) } ?? .null,
            "deleted": .bool(deleted),
        ])
    }

    /// The stored config, parsed (an unparsable one is returned as text).
    public var configJSON: JSONValue { (try? JSONValue.parse(config)) ?? .string(config) }
    /// The stored environment, parsed.
    public var environmentJSON: JSONValue { (try? JSONValue.parse(environment)) ?? .string(environment) }
}

extension MetricSummary {
    public var json: JSONValue {
        .object([
            "last": .double(last), "last_step": .int(Int64(lastStep)), "last_epoch": lastEpoch.map { .int(Int64($0)) } ?? .null,
            "min": min.map { .double($0) } ?? .null, "min_step": minStep.map { .int(Int64($0)) } ?? .null,
            "max": max.map { .double($0) } ?? .null, "max_step": maxStep.map { .int(Int64($0)) } ?? .null,
            "count": .int(Int64(count)), "nan_count": .int(Int64(nanCount)),
        ])
    }
}

extension RunSummary {
    /// The run with all params, tags and metric summaries.
    public var json: JSONValue {
        guard case .object(var o) = run.json else { return run.json }
        o["params"] = .object(params.mapValues(\.json))
        o["tags"] = .object(tags.mapValues { .string($0) })
        o["metrics"] = .object(metrics.mapValues(\.json))
        return .object(o)
    }
}

extension Event {
    public var json: JSONValue {
        .object([
            "kind": .string(kind), "level": .string(level.rawValue), "message": .string(message),
            "step": step.map { .int(Int64($0)) } ?? .null, "epoch": epoch.map { .int(Int64($0)) } ?? .null,
            "time": Format.isoTime(createdAt).map { .string($0) } ?? .null,
        ])
    }
}

extension CheckpointInfo {
    public var json: JSONValue {
        .object([
            "id": .int(id), "step": .int(Int64(step)), "epoch": epoch.map { .int(Int64($0)) } ?? .null, "kind": .string(kind.rawValue),
            "sha256": .string(sha256), "size": .int(Int64(size)), "time": Format.isoTime(createdAt).map { .string($0) } ?? .null,
        ])
    }
}

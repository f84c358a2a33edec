import NIOConcurrencyHelpers
import NIOCore

/// The open connections of one server, what each is doing, and the connection limit.
///
/// At the limit a new connection makes room by closing the connection idle the longest,
/// else the one that has been sending its request head the longest (its deadline would end
/// it soon anyway); a connection whose request is being answered is never closed for room.
/// Shared by the event loops, so it is guarded by a lock.
final class ConnectionRegistry: Sendable {
    enum Activity: Sendable {
        /// Between requests (or before the first): nothing to lose by closing it.
        case idle
        /// A request is arriving.
        case receiving
        /// A request is being answered.
        case busy
    }

    private struct Entry: Sendable {
        let channel: any Channel
        var activity: Activity
        var since: NIODeadline
    }

    private struct Storage: Sendable {
        var entries: [ObjectIdentifier: Entry] = [:]
        var stopping = false
    }

    private let limit: Int
    private let storage = NIOLockedValueBox(Storage())
    /// The request bodies all connections hold, bounded together.
    let bodies: BodyBudget

    init(limit: Int, bodyBytes: Int = 64 * 1024 * 1024) {
        self.limit = max(1, limit)
        bodies = BodyBudget(limit: bodyBytes)
    }

    /// Registers a new connection, closing another to make room at the limit; false when it
    /// must be refused (every slot busy, or the server stopping).
    func admit(_ channel: any Channel) -> Bool {
        let (admitted, victim): (Bool, (any Channel)?) = storage.withLockedValue { s in
            guard !s.stopping else { return (false, nil) }
            var victim: (any Channel)?
            if s.entries.count >= limit {
                let candidates = s.entries.filter { $0.value.activity != .busy }
                let pick = candidates.min { a, b in
                    // Idle ones first, then the oldest.
                    if (a.value.activity == .idle) != (b.value.activity == .idle) { return a.value.activity == .idle }
                    return a.value.since < b.value.since
                }
                guard let pick else { return (false, nil) }
                s.entries[pick.key] = nil
                victim = pick.value.channel
            }
            s.entries[ObjectIdentifier(channel)] = Entry(channel: channel, activity: .idle, since: .now())
            return (true, victim)
        }
        victim?.close(promise: nil)
        return admitted
    }

    func update(_ channel: any Channel, _ activity: Activity) {
        storage.withLockedValue { s in
            let id = ObjectIdentifier(channel)
            guard s.entries[id] != nil else { return }
            s.entries[id]?.activity = activity
            s.entries[id]?.since = .now()
        }
    }

    func remove(_ channel: any Channel) {
        _ = storage.withLockedValue { $0.entries.removeValue(forKey: ObjectIdentifier(channel)) }
    }

    /// Whether the server is stopping (responses then close their connection).
    var isStopping: Bool { storage.withLockedValue { $0.stopping } }

    var count: Int { storage.withLockedValue { $0.entries.count } }

    /// Refuses new connections from now on and closes the ones not answering a request; the
    /// others close after their response. Returns every connection's close future.
    func stop() -> [EventLoopFuture<Void>] {
        let all: [(any Channel, Activity)] = storage.withLockedValue { s in
            s.stopping = true
            return s.entries.values.map { ($0.channel, $0.activity) }
        }
        for (channel, activity) in all where activity != .busy { channel.close(promise: nil) }
        return all.map { $0.0.closeFuture }
    }

    /// Closes every connection still open.
    func closeAll() {
        let all = storage.withLockedValue { $0.entries.values.map(\.channel) }
        for channel in all { channel.close(promise: nil) }
    }
}

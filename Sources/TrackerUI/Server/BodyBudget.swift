import NIOConcurrencyHelpers

/// The bytes of request bodies the whole server holds at once, over every connection.
///
/// `maxBody` bounds one request; this bounds their sum, so 256 clients each sending a
/// 16 MiB artifact cannot make the process hold 4 GiB. A chunk that does not fit is refused
/// with 503 and `Retry-After` (MLflow's client retries 503 with backoff); the bytes of a
/// request are given back when its answer is written or its connection goes away.
final class BodyBudget: Sendable {
    let limit: Int
    private let used = NIOLockedValueBox(0)

    init(limit: Int) { self.limit = max(0, limit) }

    /// Takes `bytes` from the budget; false (and nothing taken) when they do not fit.
    func reserve(_ bytes: Int) -> Bool {
        used.withLockedValue { used in
            guard bytes >= 0, bytes <= limit - used else { return false }
            used += bytes
            return true
        }
    }

    /// Gives back bytes taken with `reserve`.
    func release(_ bytes: Int) {
        guard bytes > 0 else { return }
        used.withLockedValue { $0 = max(0, $0 - bytes) }
    }

    /// The bytes held now (for tests).
    var held: Int { used.withLockedValue { $0 } }
}

import Foundation
import Logging
import PostgresNIO
import Synchronization

/// A query that cannot wait forever on a connection the server has closed.
///
/// postgres-nio hands a query to its channel without a write promise: on a channel that has
/// just closed (a server restart, `pg_terminate_backend`, a network cut), the write is dropped
/// and the query's own promise is never completed, so its caller — a tick, an import's
/// `ROLLBACK` — would wait for ever. Each query here is raced against the connection's state:
/// once the connection is closed and the query has not answered within a second, it fails with
/// `ConnectionLost`, and the store reports a server that is not answering.
extension PostgresConnection {
    func rows(_ query: PostgresQuery, logger: Logger) async throws -> PostgresRowSequence {
        guard !isClosed else { throw ConnectionLost() }
        let race = QueryRace()
        return try await withCheckedThrowingContinuation { continuation in
            race.start(continuation)
            Task {
                do { race.finish(.success(try await self.query(query, logger: logger))) } catch {
                    race.finish(.failure(error))
                }
            }
            Task {
                while !race.isFinished {
                    try? await Task.sleep(for: .milliseconds(100))
                    guard isClosed else { continue }
                    try? await Task.sleep(for: .seconds(1))
                    race.finish(.failure(ConnectionLost()))
                }
            }
        }
    }
}

/// The connection to the server was closed under a query.
struct ConnectionLost: Error, CustomStringConvertible {
    var description: String { "the connection to the server was closed" }
}

/// Who answers a query's continuation first: the query, or the watch on its connection.
private final class QueryRace: Sendable {
    private let continuation = Mutex<CheckedContinuation<PostgresRowSequence, any Error>?>(nil)
    private let finished = Atomic(false)

    var isFinished: Bool { finished.load(ordering: .acquiring) }

    func start(_ continuation: CheckedContinuation<PostgresRowSequence, any Error>) {
        self.continuation.withLock { $0 = continuation }
    }

    func finish(_ result: Result<PostgresRowSequence, any Error>) {
        let waiting = continuation.withLock { waiting in
            defer { waiting = nil }
            return waiting
        }
        finished.store(true, ordering: .releasing)
        waiting?.resume(with: result)
    }
}

import Foundation
import Logging
import RapportCore
import PostgresNIO
import RapportStorage
import RapportTestSupport
import Testing

@testable import RapportPostgresStore

/// What only the server store has: its schema versions, its connection's refusals, its query
/// plans and its foreign keys, on the real PostgreSQL `scripts/postgres-test-setup` starts.
@Suite("PostgreSQL store")
struct PostgresStoreTests {
    let logger = Logger(label: "test")

    func open(_ database: TestDatabase, schema: PostgresStore.SchemaUse = .require, password: String? = nil)
        async throws -> PostgresStore
    {
        try await PostgresStore.open(
            try PostgresLocation(database.url),
            password: try password ?? StoreUnderTest.password(database.passwordFile), schema: schema, logger: logger)
    }

    @Test("A missing, older or newer schema is refused with one line naming rapportctl migrate or both versions")
    func schemaVersions() async throws {
        let database = try TestDatabase()
        defer { withExtendedLifetime(database) {} }
        await #expect {
            _ = try await open(database)
        } throws: { error in
            let error = try #require(error as? StoreError)
            return error.kind == .configuration && error.message.contains("run rapportctl migrate")
        }
        let store = try await open(database, schema: .migrate)
        #expect(try await store.schemaVersion() == PostgresSchema.current)
        try database.psql("UPDATE rapport_schema SET version = 0")
        await #expect {
            _ = try await open(database)
        } throws: { error in
            (error as? StoreError)?.message.contains(
                "schema version 0, this program needs \(PostgresSchema.current); run rapportctl migrate") == true
        }
        try database.psql("UPDATE rapport_schema SET version = 7")
        await #expect {
            _ = try await open(database, schema: .migrate)
        } throws: { error in
            (error as? StoreError)?.message.contains(
                "schema version 7, newer than this program's \(PostgresSchema.current)") == true
        }
    }

    @Test("A refused password is permission denied (77); the password appears in no error")
    func wrongPassword() async throws {
        let database = try TestDatabase()
        defer { withExtendedLifetime(database) {} }
        await #expect {
            _ = try await open(database, password: "not-the-password-4711")
        } throws: { error in
            let error = try #require(error as? StoreError)
            return error.kind == .permissionDenied && !error.message.contains("4711")
                && error.message.contains("password_file")
        }
    }

    @Test("A server that does not answer is unavailable (69) at once, or after connect_wait_seconds")
    func serverDown() async throws {
        _ = try TestPostgres.requireServer()
        let nobody = try PostgresLocation("postgres://rapport_admin@127.0.0.1:1/none?sslmode=disable")
        let started = ContinuousClock.now
        await #expect {
            _ = try await PostgresStore.open(nobody, password: "x", connectWait: 1.5, logger: logger)
        } throws: { error in
            (error as? StoreError)?.kind == .unreachable
        }
        let waited = ContinuousClock.now - started
        // It waited, and then gave up. (The upper bound is loose: the whole suite in parallel on
        // two cores can hold a sleeping task back for a long while.)
        #expect(waited >= .seconds(1) && waited < .seconds(240), "waited \(waited)")
    }

    @Test("sslmode=verify-full connects with the CA that signed the server, and refuses another")
    func verifyFull() async throws {
        let database = try TestDatabase()
        defer { withExtendedLifetime(database) {} }
        let ca = try #require(TestPostgres.certificateAuthority)
        let url = database.url.replacingOccurrences(of: "127.0.0.1", with: "localhost")
            .replacingOccurrences(of: "sslmode=disable", with: "sslmode=verify-full&sslrootcert=\(ca)")
        let password = try StoreUnderTest.password(database.passwordFile)
        let store = try await PostgresStore.open(
            try PostgresLocation(url), password: password, schema: .migrate, logger: logger)
        #expect(try await store.schemaVersion() == PostgresSchema.current)
        let otherCA = try TemporaryFolder("ca")
        let foreign = otherCA.appending("other.crt").path
        try """
        -----BEGIN CERTIFICATE-----
        MIIBhTCCASugAwIBAgIUQ3E0l9q6vN1w0Bq3wC7C9n3r0gUwCgYIKoZIzj0EAwIw
        -----END CERTIFICATE-----
        """.write(toFile: foreign, atomically: false, encoding: .utf8)
        let wrong = url.replacingOccurrences(of: ca, with: foreign)
        await #expect {
            _ = try await PostgresStore.open(try PostgresLocation(wrong), password: password, logger: logger)
        } throws: { error in
            (error as? StoreError)?.kind == .configuration
        }
    }

    @Test("Migrating a version 1 database keeps each agreement's addresses: replies still find it")
    func addressesSurviveMigration() async throws {
        let database = try TestDatabase()
        defer { withExtendedLifetime(database) {} }
        try database.psql(PostgresSchema.migrations[0])
        try database.psql(
            """
            CREATE TABLE rapport_schema (version integer NOT NULL); INSERT INTO rapport_schema VALUES (1);
            INSERT INTO agreement (id, debtor_id, data, version, created_at, updated_at)
                VALUES ('A-1', 'D-1', '{}', 1, now(), now()), ('A-2', 'D-2', '{}', 1, now(), now());
            INSERT INTO agreement_address VALUES ('A-1', 'sms', '+12145550100'), ('A-1', 'email', 'a@example.org'),
                ('A-2', 'sms', '+12145550100')
            """)
        let store = try await open(database, schema: .migrate)
        #expect(try await store.schemaVersion() == PostgresSchema.current)
        #expect(try await store.agreements(using: "+12145550100", on: .sms).map(\.rawValue) == ["A-1", "A-2"])
        #expect(try await store.agreements(using: "a@example.org", on: .email).map(\.rawValue) == ["A-1"])
        #expect(try await store.agreements(using: "a@example.org", on: .sms).isEmpty)
    }

    @Test("An address with quotes, backslashes or braces reaches the server's array as it was written")
    func addressLiteral() throws {
        let database = try TestDatabase()
        defer { withExtendedLifetime(database) {} }
        let keys = [#"email:"quoted"@example.org"#, #"letter:back\slash"#, "letter:{braces}, commas"]
        let literal = AddressKey.literal(keys).replacingOccurrences(of: "'", with: "''")
        #expect(try database.psql("SELECT unnest('\(literal)'::text[])") == keys)
    }

    @Test("R8 backstops: the schema's kinds are the planner's, and a second contact on a local day is refused")
    func pacingBackstops() async throws {
        let database = try TestDatabase()
        defer { withExtendedLifetime(database) {} }
        _ = try await open(database, schema: .migrate)
        let definitions = try database.psql(
            """
            SELECT conname || ' ' || pg_get_constraintdef(oid) FROM pg_constraint
            WHERE conname IN ('job_one_contact_a_day', 'job_contacts_48_hours_apart') ORDER BY conname
            """)
        try #require(definitions.count == 2)
        let (gap, day) = (definitions[0], definitions[1])
        for kind in ContactKind.allCases {
            let quoted = "'\(kind.rawValue)'"
            #expect(day.contains(quoted) == kind.isAnswer, "\(kind) on one local day")
            #expect(gap.contains(quoted) == (kind.isAnswer || kind.mayBreakGap), "\(kind) within 48 hours")
        }
        func job(_ id: String, _ kind: String, _ notBefore: String, day: String, debtor: Int = 1) -> String {
            """
            INSERT INTO job (id, touchpoint, covers, agreement_id, agreements, debtor_id, kind, channel, not_before,
                not_after, timezone, recipient, file_name, review, data, state, created_at, updated_at, local_day,
                pacing)
            VALUES ('\(id)', 't', '[]', 'A-\(debtor)', '[]', 'D-\(debtor)', '\(kind)', 'sms', '\(notBefore)',
                '\(notBefore)', 'UTC', 'x', '\(id)', false, '{}', 'planned', now(), now(), '\(day)',
                tstzrange('\(notBefore)', timestamptz '\(notBefore)' + interval '48 hours'));
            """
        }
        try database.psql(
            "INSERT INTO agreement (id, debtor_id, data, version, created_at, updated_at) VALUES "
                + "('A-1', 'D-1', '{}', 1, now(), now()), ('A-2', 'D-2', '{}', 1, now(), now())")
        try database.psql(job("J-1", "missed", "2026-12-01 10:00Z", day: "2026-12-01"))
        #expect(throws: (any Error).self, "a second contact that day") {
            try database.psql(job("J-2", "follow_up", "2026-12-01 18:00Z", day: "2026-12-01"))
        }
        #expect(throws: (any Error).self, "a contact 47 hours later") {
            try database.psql(job("J-3", "follow_up", "2026-12-03 09:00Z", day: "2026-12-03"))
        }
        try database.psql(job("J-4", "thanks", "2026-12-02 10:00Z", day: "2026-12-02"))
        try database.psql(job("J-5", "help", "2026-12-01 11:00Z", day: "2026-12-01"))
        try database.psql(job("J-6", "follow_up", "2026-12-03 10:00Z", day: "2026-12-03"))
        try database.psql("UPDATE job SET state = 'withdrawn' WHERE id = 'J-6'")
        try database.psql(job("J-7", "follow_up", "2026-12-03 12:00Z", day: "2026-12-03"))
        // Another debtor is paced on their own, even on the same day and hour.
        try database.psql(job("J-8", "missed", "2026-12-01 10:00Z", day: "2026-12-01", debtor: 2))
    }

    @Test("Every hot query uses its index: EXPLAIN of the SQL the store sends shows no scan of a table")
    func queryPlans() async throws {
        let database = try TestDatabase()
        defer { withExtendedLifetime(database) {} }
        _ = try await open(database, schema: .migrate)
        let now = Date(timeIntervalSince1970: 1_796_000_000)
        let instant = "'2026-12-01 00:00:00+00'"
        let debtors = "'{D-1,D-2}'"
        let queries: [(PostgresQueryText, String)] = [
            (.init(HotQuery.due(at: now, after: nil, limit: 500), "\(instant), 500"), "agreement_due"),
            (
                .init(HotQuery.due(at: now, after: (now, "A-1"), limit: 500), "\(instant), \(instant), 'A-1', 500"),
                "agreement_due"
            ),
            (
                .init(HotQuery.due(at: now, after: nil, limit: 500, in: ([0, 1], 256)), "\(instant), '{0,1}', 500"),
                "agreement_due"
            ),
            (.init(HotQuery.portfolioAgreements(["D-1"]), debtors), "agreement_debtor"),
            (.init(HotQuery.portfolioEvents(["D-1"]), debtors), "event_agreement"),
            (.init(HotQuery.portfolioJobs(["D-1"]), debtors), "job_debtor"),
            (.init(HotQuery.portfolioAdjustments(["D-1"]), debtors), "adjustment_agreement"),
            (
                .init(HotQuery.agreements(using: "+12145550100", on: .sms), "'{sms:+12145550100}'"),
                "agreement_addresses"
            ),
        ]
        for (query, index) in queries {
            // An empty table is cheapest to scan: the planner is told scans cost the earth, so
            // what it shows is whether the index can serve the query at all.
            let plan = try database.psql(
                "SET enable_seqscan = off; PREPARE q AS \(query.sql); EXPLAIN EXECUTE q(\(query.arguments))"
            )
            .joined(separator: "\n")
            #expect(plan.contains(index), "\(query.sql)\n\(plan)")
            #expect(!plan.contains("Seq Scan"), "\(query.sql)\n\(plan)")
        }
    }

    @Test("R30: every table is retired by a rule: with its agreement, with its parent, or by age")
    func everyTableHasARetentionRule() async throws {
        let database = try TestDatabase()
        defer { withExtendedLifetime(database) {} }
        _ = try await open(database, schema: .migrate)
        let cascades = Set(
            try database.psql(
                """
                SELECT c.conrelid::regclass::text || '>' || c.confrelid::regclass::text FROM pg_constraint c
                WHERE c.contype = 'f' AND c.confdeltype = 'c'
                """))
        for table in try database.psql("SELECT tablename::text FROM pg_tables WHERE schemaname = 'public'") {
            if RetentionRules.withAgreement.contains(table) {
                #expect(cascades.contains("\(table)>agreement"), "\(table)")
            } else if let parent = RetentionRules.withParent[table] {
                #expect(cascades.contains("\(table)>\(parent)"), "\(table)")
            } else if let column = RetentionRules.byAge[table] {
                let columns = try database.psql(
                    "SELECT column_name::text FROM information_schema.columns WHERE table_name = '\(table)'")
                #expect(columns.contains(column), "\(table).\(column)")
            } else {
                // The cluster's tables hold partitions and hosts, nothing about a person.
                #expect(
                    ["agreement", "rapport_schema", "cluster", "partition", "node"].contains(table),
                    "\(table) has no retention rule (R30)")
            }
        }
    }
}

/// A query's SQL as the store sends it, with literal values for its parameters, for
/// `PREPARE … EXECUTE` in psql.
struct PostgresQueryText {
    let sql: String
    let arguments: String

    init(_ query: PostgresQuery, _ arguments: String) {
        sql = query.sql
        self.arguments = arguments
    }
}

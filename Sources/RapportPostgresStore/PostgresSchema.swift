import Foundation
import Logging
import PostgresNIO
import RapportStorage

/// The PostgreSQL schema, as an ordered list of migrations like the SQLite store's: version N
/// is the first N applied, a released migration never changes, and `rapportctl migrate` — the
/// one command that needs DDL rights — applies what is missing under an advisory lock, so two
/// hosts migrating at once apply each step once.
///
/// The tables and columns are the SQLite store's (see its `Schema`; since v2 an agreement's
/// addresses are an array in its row rather than `agreement_address`), in native types: instants
/// are `timestamptz`, flags `boolean`, ids `text COLLATE "C"` so that rows sort byte by byte as
/// SQLite sorts them and both stores plan debtors in the same order. A stored agreement stays
/// the canonical JSON *text* it was imported as (not `jsonb`, which would reorder it), so a
/// re-import is recognised as unchanged by comparing text. Every table that records an
/// agreement references it `ON DELETE CASCADE`: R30 retention deletes an agreement in one
/// statement and cannot forget a table.
enum PostgresSchema {
    static let migrations: [String] = [
        """
        CREATE TABLE agreement (
            id text COLLATE "C" PRIMARY KEY,
            debtor_id text COLLATE "C" NOT NULL,
            data text NOT NULL,
            version integer NOT NULL,
            next_action_at timestamptz,
            outcome text NOT NULL DEFAULT 'new',
            summary text NOT NULL DEFAULT 'not planned yet',
            planned_at timestamptz,
            created_at timestamptz NOT NULL,
            updated_at timestamptz NOT NULL,
            revision bigint NOT NULL DEFAULT 1,
            schedule_changed_at timestamptz
        );
        CREATE INDEX agreement_due ON agreement (next_action_at, id) WHERE next_action_at IS NOT NULL;
        CREATE INDEX agreement_debtor ON agreement (debtor_id);
        CREATE INDEX agreement_outcome ON agreement (outcome);

        CREATE TABLE agreement_version (
            agreement_id text COLLATE "C" NOT NULL REFERENCES agreement (id) ON DELETE CASCADE,
            version integer NOT NULL,
            data text NOT NULL,
            imported_at timestamptz NOT NULL,
            PRIMARY KEY (agreement_id, version)
        );

        CREATE TABLE event (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            agreement_id text COLLATE "C" NOT NULL REFERENCES agreement (id) ON DELETE CASCADE,
            type text NOT NULL,
            at timestamptz NOT NULL,
            data text NOT NULL,
            identity text NOT NULL UNIQUE,
            recorded_at timestamptz NOT NULL
        );
        CREATE INDEX event_agreement ON event (agreement_id, at);
        CREATE INDEX event_at ON event (at);

        CREATE TABLE job (
            id text COLLATE "C" PRIMARY KEY,
            touchpoint text NOT NULL,
            covers text NOT NULL DEFAULT '[]',
            agreement_id text COLLATE "C" NOT NULL REFERENCES agreement (id) ON DELETE CASCADE,
            agreements text NOT NULL,
            debtor_id text COLLATE "C" NOT NULL,
            kind text NOT NULL,
            channel text NOT NULL,
            not_before timestamptz NOT NULL,
            not_after timestamptz NOT NULL,
            timezone text NOT NULL,
            recipient text NOT NULL,
            file_name text NOT NULL UNIQUE,
            state text NOT NULL,
            review boolean NOT NULL DEFAULT false,
            detail text,
            data text NOT NULL,
            created_at timestamptz NOT NULL,
            updated_at timestamptz NOT NULL,
            statement text
        );
        CREATE INDEX job_debtor ON job (debtor_id);
        CREATE INDEX job_agreement ON job (agreement_id);
        CREATE INDEX job_state ON job (state, not_after);
        CREATE INDEX job_state_not_before ON job (state, not_before);

        CREATE TABLE adjustment (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            agreement_id text COLLATE "C" NOT NULL REFERENCES agreement (id) ON DELETE CASCADE,
            at timestamptz NOT NULL,
            data text NOT NULL,
            reason text NOT NULL
        );
        CREATE INDEX adjustment_agreement ON adjustment (agreement_id, id);

        CREATE TABLE decision (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            agreement_id text COLLATE "C" NOT NULL REFERENCES agreement (id) ON DELETE CASCADE,
            at timestamptz NOT NULL,
            outcome text NOT NULL,
            job_id text,
            touchpoint text,
            reason text NOT NULL
        );
        CREATE INDEX decision_agreement ON decision (agreement_id, at);
        CREATE UNIQUE INDEX decision_dropped ON decision (agreement_id, touchpoint) WHERE outcome = 'dropped';

        CREATE TABLE tick (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            started_at timestamptz NOT NULL,
            finished_at timestamptz NOT NULL,
            due integer NOT NULL,
            spooled integer NOT NULL,
            withdrawn integer NOT NULL,
            dropped integer NOT NULL,
            expired integer NOT NULL,
            next_action_at timestamptz
        );

        CREATE TABLE inbound (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            identity text NOT NULL UNIQUE,
            channel text NOT NULL,
            kind text NOT NULL,
            address text,
            received_at timestamptz NOT NULL,
            text text NOT NULL,
            in_reply_to text,
            provider_id text,
            outcome text NOT NULL,
            agreements text NOT NULL,
            recorded_at timestamptz NOT NULL
        );
        CREATE TABLE inbox (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            inbound_id bigint NOT NULL REFERENCES inbound (id) ON DELETE CASCADE,
            why text NOT NULL,
            state text NOT NULL DEFAULT 'open',
            action text,
            reason text,
            done_at timestamptz
        );
        CREATE INDEX inbox_state ON inbox (state, id);
        CREATE TABLE agreement_address (
            agreement_id text COLLATE "C" NOT NULL REFERENCES agreement (id) ON DELETE CASCADE,
            channel text NOT NULL,
            address text NOT NULL,
            PRIMARY KEY (agreement_id, channel)
        );
        CREATE INDEX agreement_address_lookup ON agreement_address (channel, address);
        """,
        // v2: an agreement's addresses move into its own row. Each `agreement_address` row cost an
        // import a foreign-key check and two index entries, more than the agreement itself; the
        // addresses are the agreement's (read from its contacts), so they live and go with it,
        // one `channel:address` element each, found by a GIN index that takes a bulk import's
        // entries in its pending list.
        """
        ALTER TABLE agreement ADD COLUMN addresses text[] NOT NULL DEFAULT '{}';
        UPDATE agreement SET addresses = listed.addresses
        FROM (
            SELECT agreement_id, array_agg(channel || ':' || address ORDER BY channel) AS addresses
            FROM agreement_address GROUP BY agreement_id
        ) AS listed
        WHERE agreement.id = listed.agreement_id;
        DROP TABLE agreement_address;
        CREATE INDEX agreement_addresses ON agreement USING gin (addresses);
        """,
        // v3: several nodes (issue 26). Debtors are spread over a fixed number of partitions
        // (`cluster`, filled by the first `rapportctl migrate`) by a hash PostgreSQL computes
        // the same on every host and version (md5, not `hashtext`). A partition is leased to
        // one node at a time on the server's clock; each taking bumps its epoch, which every
        // write of a tick checks. `node` is each node's heartbeat and counters, for
        // `rapportctl cluster status`. None of the three holds anything about a person.
        """
        CREATE TABLE cluster (partitions integer NOT NULL CHECK (partitions BETWEEN 1 AND 4096));
        CREATE TABLE partition (
            id integer PRIMARY KEY,
            owner text COLLATE "C",
            epoch bigint NOT NULL DEFAULT 0,
            lease_until timestamptz,
            renewed_at timestamptz
        );
        CREATE TABLE node (
            name text COLLATE "C" PRIMARY KEY,
            seen_at timestamptz NOT NULL,
            last_tick timestamptz,
            fence_rejections bigint NOT NULL DEFAULT 0,
            takeovers bigint NOT NULL DEFAULT 0
        );
        CREATE FUNCTION rapport_partition(debtor text, partitions bigint) RETURNS integer
            LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
            RETURN (('x' || substr(md5(debtor), 1, 8))::bit(32)::bigint % partitions)::integer
        """,
        // v4: R8 in the schema, a backstop under the planner and the fence: whatever a bug
        // lets through, the database refuses a second live contact for a debtor on one local
        // day, or two closer than 48 hours (a payment's thanks or completion may be, R8).
        // Answers to what the debtor did (R31-R34, R40) are outside the pacing and outside
        // both. Checked at commit, so a batch that withdraws a job and plans its successor is
        // judged whole.
        // `local_day` (the job's day where the debtor lives) and `pacing` (the 48 hours from
        // its `not_before`) are fixed as a job is recorded: an index may only hold what
        // immutable functions compute, and time zones and intervals are not.
        """
        CREATE EXTENSION IF NOT EXISTS btree_gist;
        ALTER TABLE job ADD COLUMN local_day date, ADD COLUMN pacing tstzrange;
        UPDATE job SET local_day = (not_before AT TIME ZONE timezone)::date,
            pacing = tstzrange(not_before, not_before + interval '48 hours');
        ALTER TABLE job ALTER COLUMN local_day SET NOT NULL, ALTER COLUMN pacing SET NOT NULL;
        \(backstops(debtor: "debtor_id"))
        """,
        // v5: the same two backstops on a 64-bit hash of the debtor instead of their id. A GiST
        // entry of text keeps bounding strings in every inner page; of a bigint, two numbers:
        // recording and then spooling a first tick's 78,000 jobs cost the server 17 s with
        // the text key and 7 s with the hash. Two debtors whose ids hash alike (about one chance
        // in a billion in a book of 200,000 debtors) would be paced as one: the backstop can
        // only refuse more, never let a contact through. `hashtextextended` is what hash
        // partitioning relies on, so it computes the same on every host and version.
        """
        ALTER TABLE job ADD COLUMN debtor_key bigint GENERATED ALWAYS AS (hashtextextended(debtor_id, 0)) STORED;
        ALTER TABLE job DROP CONSTRAINT job_one_contact_a_day, DROP CONSTRAINT job_contacts_48_hours_apart;
        \(backstops(debtor: "debtor_key"))
        """,
    ]

    /// R8's two backstops (v4, again in v5 on another key), with `debtor` the column that tells
    /// one debtor's jobs from another's.
    private static func backstops(debtor: String) -> String {
        """
        ALTER TABLE job ADD CONSTRAINT job_one_contact_a_day
            EXCLUDE USING gist (\(debtor) WITH =, local_day WITH =)
            WHERE (state IN ('planned', 'spooled', 'held', 'review', 'claimed', 'stale_claim', 'delivered')
                AND kind NOT IN ('help', 'opt_out_confirmation', 'promise_ack', 'dispute_ack', 'pause_ack',
                    'opt_in_confirmation', 'reply_ack'))
            DEFERRABLE INITIALLY DEFERRED;
        ALTER TABLE job ADD CONSTRAINT job_contacts_48_hours_apart
            EXCLUDE USING gist (\(debtor) WITH =, pacing WITH &&)
            WHERE (state IN ('planned', 'spooled', 'held', 'review', 'claimed', 'stale_claim', 'delivered')
                AND kind NOT IN ('help', 'opt_out_confirmation', 'promise_ack', 'dispute_ack', 'pause_ack',
                    'opt_in_confirmation', 'reply_ack', 'thanks', 'completed'))
            DEFERRABLE INITIALLY DEFERRED
        """
    }

    /// The version this program was built for.
    static var current: Int { migrations.count }

    /// The version of the database on `connection`; nil when it has no Rapport schema.
    static func version(on connection: PostgresConnection) async throws -> Int? {
        let exists = try await connection.scalar(
            Bool.self, "SELECT to_regclass('rapport_schema') IS NOT NULL", Logger(label: "rapport.schema"))
        guard exists == true else { return nil }
        return try await connection.scalar(
            Int.self, "SELECT version FROM rapport_schema", Logger(label: "rapport.schema"))
    }

    /// How many partitions the debtors are spread over (`cluster`, set by the first migrate).
    static func partitions(on connection: PostgresConnection, server: PostgresLocation) async throws(StoreError)
        -> Int
    {
        do {
            return try await connection.scalar(
                Int.self, "SELECT partitions::bigint FROM cluster", Logger(label: "rapport.schema")) ?? 1
        } catch {
            throw StoreError.from(error, server: server)
        }
    }

    /// Refuses a schema that is missing, older or newer than this program, naming both versions.
    static func require(on connection: PostgresConnection, server: PostgresLocation) async throws(StoreError) {
        let version: Int?
        do { version = try await self.version(on: connection) } catch {
            throw StoreError.from(error, server: server)
        }
        switch version {
        case nil:
            throw StoreError(
                .configuration,
                "database \(server) has no Rapport schema; run rapportctl migrate (as a role that may create tables)")
        case let version? where version < current:
            throw StoreError(
                .configuration,
                "database \(server) is at schema version \(version), this program needs \(current); run "
                    + "rapportctl migrate")
        case let version? where version > current:
            throw newer(version, server)
        default:
            return
        }
    }

    /// Applies every migration the database lacks, in one transaction under an advisory lock.
    /// - Parameter partitions: how many partitions a new database's debtors are spread over
    ///   (`[cluster] partitions`); an existing database keeps the number it was created with.
    static func migrate(on connection: PostgresConnection, server: PostgresLocation, partitions: Int, logger: Logger)
        async throws(StoreError)
    {
        do {
            try await connection.transaction(logger) { connection in
                // One key for "Rapport's schema": a second `migrate` waits here, then finds it done.
                try await connection.run("SELECT pg_advisory_xact_lock(72712025)", logger)
                try await connection.run(
                    "CREATE TABLE IF NOT EXISTS rapport_schema (version integer NOT NULL)", logger)
                let version = try await connection.scalar(Int.self, "SELECT version FROM rapport_schema", logger)
                if let version, version > current { throw newer(version, server) }
                for migration in migrations.dropFirst(version ?? 0) {
                    // The extended protocol runs one statement per query: a migration's are sent in turn.
                    for statement in migration.components(separatedBy: ";\n")
                    where !statement.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                        try await connection.run(PostgresQuery(unsafeSQL: statement), logger)
                    }
                }
                if version == nil {
                    try await connection.run("INSERT INTO rapport_schema (version) VALUES (\(current))", logger)
                } else {
                    try await connection.run("UPDATE rapport_schema SET version = \(current)", logger)
                }
                try await connection.run(
                    "INSERT INTO cluster (partitions) SELECT \(partitions) WHERE NOT EXISTS (SELECT 1 FROM cluster)",
                    logger)
                try await connection.run(
                    """
                    INSERT INTO partition (id) SELECT generate_series(0, (SELECT partitions FROM cluster) - 1)
                    ON CONFLICT (id) DO NOTHING
                    """, logger)
            }
        } catch {
            throw StoreError.from(error, server: server)
        }
    }

    private static func newer(_ version: Int, _ server: PostgresLocation) -> StoreError {
        StoreError(
            .configuration,
            "database \(server) is at schema version \(version), newer than this program's \(current); run the "
                + "Rapport that migrated it, or upgrade this one")
    }
}

import Foundation
import GRDB
import RapportCore
import RapportStorage

/// The database schema, as an ordered list of migrations: a database of any earlier version is
/// brought up to date when it is opened, and a migration never changes once released.
enum Schema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            // One row per agreement; `data` is the canonical JSON of the imported agreement.
            // `next_action_at` (unix seconds) is when the planner must look at it again; every
            // change to its inputs resets it to 0, "at once". NULL: only new input matters.
            try db.execute(
                sql: """
                    CREATE TABLE agreement (
                        id TEXT PRIMARY KEY NOT NULL,
                        debtor_id TEXT NOT NULL,
                        data TEXT NOT NULL,
                        version INTEGER NOT NULL,
                        next_action_at REAL,
                        outcome TEXT NOT NULL DEFAULT 'new',
                        summary TEXT NOT NULL DEFAULT 'not planned yet',
                        trace TEXT NOT NULL DEFAULT '[]',
                        planned_at REAL,
                        created_at REAL NOT NULL,
                        updated_at REAL NOT NULL
                    );
                    CREATE INDEX agreement_next_action ON agreement(next_action_at) WHERE next_action_at IS NOT NULL;
                    CREATE INDEX agreement_debtor ON agreement(debtor_id);

                    -- Every imported version of an agreement: history is kept on re-import.
                    CREATE TABLE agreement_version (
                        agreement_id TEXT NOT NULL REFERENCES agreement(id),
                        version INTEGER NOT NULL,
                        data TEXT NOT NULL,
                        imported_at REAL NOT NULL,
                        PRIMARY KEY (agreement_id, version)
                    );

                    -- Append-only events; `identity` (agreement, type, at, payload) deduplicates.
                    CREATE TABLE event (
                        id INTEGER PRIMARY KEY,
                        agreement_id TEXT NOT NULL REFERENCES agreement(id),
                        type TEXT NOT NULL,
                        at REAL NOT NULL,
                        data TEXT NOT NULL,
                        identity TEXT NOT NULL UNIQUE,
                        recorded_at REAL NOT NULL
                    );
                    CREATE INDEX event_agreement ON event(agreement_id, at);

                    -- Every job ever planned. A job is `planned` before its file is written and
                    -- `spooled` after, which is what lets a restart finish an interrupted write.
                    CREATE TABLE job (
                        id TEXT PRIMARY KEY NOT NULL,
                        touchpoint TEXT NOT NULL,
                        covers TEXT NOT NULL DEFAULT '[]',
                        agreement_id TEXT NOT NULL REFERENCES agreement(id),
                        agreements TEXT NOT NULL,
                        debtor_id TEXT NOT NULL,
                        kind TEXT NOT NULL,
                        channel TEXT NOT NULL,
                        not_before REAL NOT NULL,
                        not_after REAL NOT NULL,
                        timezone TEXT NOT NULL,
                        recipient TEXT NOT NULL,
                        file_name TEXT NOT NULL UNIQUE,
                        state TEXT NOT NULL,
                        review INTEGER NOT NULL DEFAULT 0,
                        detail TEXT,
                        data TEXT NOT NULL,
                        created_at REAL NOT NULL,
                        updated_at REAL NOT NULL
                    );
                    CREATE INDEX job_debtor ON job(debtor_id);
                    CREATE INDEX job_agreement ON job(agreement_id);
                    CREATE INDEX job_state ON job(state, not_after);
                    CREATE INDEX job_state_not_before ON job(state, not_before);

                    -- Operators' adjustments of how an agreement is contacted, in order.
                    CREATE TABLE adjustment (
                        id INTEGER PRIMARY KEY,
                        agreement_id TEXT NOT NULL REFERENCES agreement(id),
                        at REAL NOT NULL,
                        data TEXT NOT NULL,
                        reason TEXT NOT NULL
                    );
                    CREATE INDEX adjustment_agreement ON adjustment(agreement_id, id);

                    -- R30: every decision with its reason.
                    CREATE TABLE decision (
                        id INTEGER PRIMARY KEY,
                        agreement_id TEXT NOT NULL,
                        at REAL NOT NULL,
                        outcome TEXT NOT NULL,
                        job_id TEXT,
                        touchpoint TEXT,
                        reason TEXT NOT NULL
                    );
                    CREATE INDEX decision_agreement ON decision(agreement_id, at);
                    CREATE UNIQUE INDEX decision_dropped ON decision(agreement_id, touchpoint)
                        WHERE outcome = 'dropped';

                    CREATE TABLE tick (
                        id INTEGER PRIMARY KEY,
                        started_at REAL NOT NULL,
                        finished_at REAL NOT NULL,
                        due INTEGER NOT NULL,
                        spooled INTEGER NOT NULL,
                        withdrawn INTEGER NOT NULL,
                        dropped INTEGER NOT NULL,
                        expired INTEGER NOT NULL,
                        next_action_at REAL
                    );
                    """)
        }
        migrator.registerMigration("v2") { db in
            // The tick reads due agreements in (next_action_at, id) order a batch at a time; with
            // both columns in the index each batch is a range read, not a sort of every due row.
            try db.execute(
                sql: """
                    CREATE INDEX agreement_due ON agreement(next_action_at, id) WHERE next_action_at IS NOT NULL;
                    DROP INDEX agreement_next_action;
                    """)
        }
        migrator.registerMigration("v3") { db in
            // R20: the figures a job states (what is due, what is overdue on its send day), so
            // a waiting job whose figures a payment made wrong is withdrawn and planned again.
            try db.execute(sql: "ALTER TABLE job ADD COLUMN statement TEXT")
        }
        migrator.registerMigration("v4") { db in
            // Replies in (R31-R35). `inbound` holds every message a delivery tool handed back,
            // once: its `identity` (the provider's id, else channel, sender, time and text) is
            // what makes a message that arrives twice have one effect.
            try db.execute(
                sql: """
                    CREATE TABLE inbound (
                        id INTEGER PRIMARY KEY,
                        identity TEXT NOT NULL UNIQUE,
                        channel TEXT NOT NULL,
                        kind TEXT NOT NULL,
                        address TEXT,
                        received_at REAL NOT NULL,
                        text TEXT NOT NULL,
                        in_reply_to TEXT,
                        provider_id TEXT,
                        outcome TEXT NOT NULL,
                        agreements TEXT NOT NULL,
                        recorded_at REAL NOT NULL
                    );
                    -- What waits for a person (R34): the message stays in `inbound`, with its text.
                    CREATE TABLE inbox (
                        id INTEGER PRIMARY KEY,
                        inbound_id INTEGER NOT NULL REFERENCES inbound(id) ON DELETE CASCADE,
                        why TEXT NOT NULL,
                        state TEXT NOT NULL DEFAULT 'open',
                        action TEXT,
                        reason TEXT,
                        done_at REAL
                    );
                    CREATE INDEX inbox_state ON inbox(state, id);
                    -- Each agreement's addresses, normalised, so a reply finds every agreement that
                    -- uses its sender's number or address (R34).
                    CREATE TABLE agreement_address (
                        agreement_id TEXT NOT NULL REFERENCES agreement(id) ON DELETE CASCADE,
                        channel TEXT NOT NULL,
                        address TEXT NOT NULL,
                        PRIMARY KEY (agreement_id, channel)
                    );
                    CREATE INDEX agreement_address_lookup ON agreement_address(channel, address);
                    """)
            for row in try Row.fetchAll(db, sql: "SELECT id, data FROM agreement") {
                try AddressIndex.add(try StoredJSON.agreement(from: row["data"], row: row["id"]), db)
            }
        }
        // The trace of the last plan was written for every agreement and read by nothing:
        // `explain` plans again with its trace on. Dropping it saves encoding it on every plan.
        migrator.registerMigration("v5") { db in
            try db.execute(sql: "ALTER TABLE agreement DROP COLUMN trace")
        }
        // `agreement_version` keeps the versions a re-import superseded; the current one is in
        // `agreement.data`. Writing it twice doubled every import's bytes (issue 15).
        migrator.registerMigration("v6") { db in
            try db.execute(
                sql:
                    "DELETE FROM agreement_version WHERE (agreement_id, version) IN (SELECT id, version FROM agreement)"
            )
        }
        // R30 retention deletes an agreement with everything recorded of it. With each child
        // table's reference to `agreement` cascading, that is one `DELETE FROM agreement`, and
        // no table can be forgotten. SQLite cannot alter a foreign key, so each table is
        // rebuilt from its own stored definition with the reference changed, then refilled.
        migrator.registerMigration("v7") { db in
            try db.execute(sql: "DELETE FROM decision WHERE agreement_id NOT IN (SELECT id FROM agreement)")
            for table in ["event", "job", "adjustment", "decision", "agreement_version"] {
                try cascadeDeletes(from: table, db)
            }
        }
        // A debtor's revision (the sum of their agreements'): new input moves it, and a tick's
        // commit writes nothing for a debtor whose revision moved while it planned (`commit`).
        migrator.registerMigration("v8") { db in
            try db.execute(sql: "ALTER TABLE agreement ADD COLUMN revision INTEGER NOT NULL DEFAULT 1")
        }
        // R40: when a re-import last changed an agreement's installments (their dates or
        // amounts, not what was paid), so the new schedule is confirmed once.
        migrator.registerMigration("v9") { db in
            try db.execute(sql: "ALTER TABLE agreement ADD COLUMN schedule_changed_at REAL")
        }
        return migrator
    }

    /// The version of the database: how many migrations it has applied (0 for a new file).
    static func version(_ db: Database) throws -> Int {
        guard try db.tableExists("grdb_migrations") else { return 0 }
        return try Int.fetchOne(db, sql: "SELECT count(*) FROM grdb_migrations") ?? 0
    }

    /// Refuses a database a newer Rapport migrated: this program would misread its tables.
    static func refuseNewer(_ writer: any DatabaseWriter, path: String) throws {
        let (superseded, version) = try writer.read { db in (try migrator.hasBeenSuperseded(db), try Self.version(db)) }
        guard superseded else { return }
        throw StoreError(
            .configuration,
            "database \(path) is at schema version \(version), newer than this program's "
                + "\(migrator.migrations.count); run the Rapport that migrated it, or upgrade this one")
    }

    /// Rebuilds `table` so that deleting its agreement deletes its rows (`ON DELETE CASCADE`),
    /// keeping every column, row and index as they are.
    private static func cascadeDeletes(from table: String, _ db: Database) throws {
        guard
            let definition = try String.fetchOne(
                db, sql: "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", arguments: [table])
        else { return }
        let indexes = try String.fetchAll(
            db, sql: "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL",
            arguments: [table])
        let cascading =
            definition.contains("REFERENCES agreement(id)")
            ? definition.replacingOccurrences(
                of: "REFERENCES agreement(id)", with: "REFERENCES agreement(id) ON DELETE CASCADE")
            : definition.replacingOccurrences(
                of: "agreement_id TEXT NOT NULL,",
                with: "agreement_id TEXT NOT NULL REFERENCES agreement(id) ON DELETE CASCADE,")
        try db.execute(
            sql: cascading.replacingOccurrences(
                of: "CREATE TABLE \(table) (", with: "CREATE TABLE \(table)_cascading ("))
        try db.execute(sql: "INSERT INTO \(table)_cascading SELECT * FROM \(table)")
        try db.execute(sql: "DROP TABLE \(table)")
        try db.execute(sql: "ALTER TABLE \(table)_cascading RENAME TO \(table)")
        for index in indexes { try db.execute(sql: index) }
    }
}

import Foundation
import RapportCore

/// Everything `config/rapport.toml` sets, typed and checked.
public struct Settings: Sendable {
    /// Where the records and the spool live.
    public struct Storage: Sendable, Equatable {
        /// A SQLite file, or a `postgres://` URL (the contract's "Storage").
        public var database = "/var/lib/rapport/rapport.sqlite"
        public var spool = "/var/spool/rapport"
        /// How long to wait for another writer's lock before giving up on a tick.
        public var busyTimeoutSeconds = 15.0
        /// The group of the spool's directories and files; delivery tools join it.
        public var spoolGroup: String?
        /// The file holding a PostgreSQL password; else the systemd credential `db-password`.
        public var passwordFile: String?
        /// How long a program waits for a PostgreSQL server that is down before exiting 69.
        public var connectWaitSeconds = 0.0

        public init() {}
    }

    /// The daemon's clock.
    public struct Daemon: Sendable, Equatable {
        public var tickSeconds = 60
        /// Agreements planned per database transaction.
        public var batchSize = 500

        public init() {}
    }

    /// Who the messages come from: the core's `Sender`, read from `[sender]`.
    public typealias Sender = RapportCore.Sender

    /// The contract with delivery tools.
    public struct Delivery: Sendable, Equatable {
        /// A job in `cur/` longer than this is reported as a stale claim (never re-offered).
        public var claimLeaseMinutes = 60
        /// Outcome files are deleted from `done/`, `failed/`, `expired/` and `withdrawn/` after
        /// this many days; the database keeps every record.
        public var outcomeRetentionDays = 30

        public init() {}
    }

    /// `[mail]`: how `rapport-mail` hands e-mail jobs to the host's mail transport (contract,
    /// "E-mail delivery").
    public struct Mail: Sendable, Equatable {
        /// `Name <address>`: the From header, and the address replies come back to.
        public var from = ""
        /// The bounce address: the job id goes after a `+` (`bounces+<job id>@domain`), so a
        /// bounce finds its job. Empty: `bounces@` the From address's domain.
        public var envelope = ""
        /// The transport's sendmail-compatible program (Postfix, Exim, OpenSMTPD, msmtp).
        public var sendmail = "/usr/sbin/sendmail"
        /// The Maildir the transport delivers replies and bounces to; nil reads none.
        public var replies: String?
        /// The one-click unsubscribe URL (https), `{{job}}` replaced by the job id; nil offers
        /// the mailto only.
        public var unsubscribeURL: String?

        public init() {}
    }

    /// R30: records of an agreement are deleted this many years after its last activity; nil
    /// keeps them for ever. Never shorter than 3 years.
    public var recordRetentionYears: Int?

    /// Where the Prometheus textfile goes after each tick (node_exporter's textfile
    /// collector convention); nil writes none.
    public var metricsPath: String?

    public var storage = Storage()
    public var delivery = Delivery()
    public var daemon = Daemon()
    public var sender = Sender()
    public var mail = Mail()
    public var sms = SMS()
    public var policy = Policy.standard
    /// `[cluster]`: nil on a single host.
    public var cluster: ClusterSettings?
    /// The folder of the mustache templates (absolute, or relative to the config file).
    public var templatesDirectory: String
    /// The config file the settings came from, when any.
    public var sourcePath: String?

    /// The shipped defaults, with templates looked up in `templatesDirectory`.
    public init(templatesDirectory: String) {
        self.templatesDirectory = templatesDirectory
    }
}

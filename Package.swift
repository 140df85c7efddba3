// swift-tools-version: 6.1
// Rapport: respectful repayment reminders, planned by a pure function and spooled for delivery tools.
import PackageDescription

// Linux only, as the code is: it calls Glibc and syncfs(2) directly and speaks systemd's notify
// protocol. Say so at once on any other system rather than fail deep inside a build.
#if !os(Linux)
    #error("Rapport builds and runs on Linux only (Glibc, syncfs, systemd): build it on Linux or in a Linux container")
#endif

let package = Package(
    name: "Rapport",
    products: [
        .executable(name: "rapportd", targets: ["rapportd"]),
        .executable(name: "rapportctl", targets: ["rapportctl"]),
        .executable(name: "rapport-mail", targets: ["rapport-mail"]),
        .executable(name: "rapport-sms", targets: ["rapport-sms"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.0"),
        // rapport-sms: the provider's HTTP API, and HMAC-SHA1 for Twilio's signed callbacks.
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    ],
    targets: [
        // The domain and the pure planner: no I/O, no clock, no SQLite.
        .target(name: "RapportCore"),
        // Message text from mustache templates (pure, given the loaded templates).
        .target(
            name: "RapportMessages",
            dependencies: ["RapportCore", .product(name: "Mustache", package: "swift-mustache")]
        ),
        // config/rapport.toml → typed settings, with errors that name the key.
        .target(
            name: "RapportConfig",
            dependencies: ["RapportCore", .product(name: "TOMLKit", package: "TOMLKit")]
        ),
        // The store's role interfaces and record types: what the engine and the commands ask of
        // a store, knowing no database driver.
        .target(name: "RapportStorage", dependencies: ["RapportCore"]),
        // The embedded store: agreements, events, jobs and decisions in SQLite through GRDB.
        .target(
            name: "RapportSQLiteStore",
            dependencies: ["RapportCore", "RapportStorage", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        // The server store: the same records in PostgreSQL through postgres-nio (no ORM). Its
        // `simulate` snapshot is an embedded SQLite copy, made through the SQLite store's API.
        .target(
            name: "RapportPostgresStore",
            dependencies: [
                "RapportCore", "RapportStorage", "RapportSQLiteStore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The Maildir-style spool and the small syscall layer under it.
        .target(name: "RapportSpool", dependencies: ["RapportCore", "CRapportSystem"]),
        // The one system call Swift's Glibc module lacks (syncfs), for batched spool writes.
        .target(name: "CRapportSystem"),
        // One tick: due agreements → planner → spool → records, on an injected clock.
        .target(
            name: "RapportEngine",
            dependencies: [
                "RapportCore", "RapportMessages", "RapportConfig", "RapportStorage", "RapportSpool",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // What both programs share: storage options, exit codes, error lines.
        .target(
            name: "RapportCommandLine",
            dependencies: [
                "RapportCore", "RapportConfig", "RapportMessages", "RapportStorage", "RapportSQLiteStore",
                "RapportPostgresStore", "RapportEngine", "RapportSpool",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Running under systemd: sd_notify, journald-aware logs, the metrics textfile.
        .target(
            name: "RapportService",
            dependencies: [
                "RapportEngine", "RapportSpool", "RapportStorage", .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // E-mail through the host's mail transport: MIME out, replies and bounces back in.
        .target(name: "RapportMail", dependencies: ["RapportCore", "RapportConfig", "RapportSpool"]),
        .executableTarget(name: "rapport-mail", dependencies: ["RapportMail", "RapportCommandLine"]),
        // SMS through Kannel's smsbox or Twilio's API: texts out, delivery reports and replies back in.
        .target(
            name: "RapportSMS",
            dependencies: [
                "RapportCore", "RapportConfig", "RapportSpool",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(name: "rapport-sms", dependencies: ["RapportSMS", "RapportCommandLine"]),
        // The daemon: ticks on a Dispatch timer, run as a service of a swift-service-lifecycle group.
        .executableTarget(
            name: "rapportd",
            dependencies: [
                "RapportCommandLine", "RapportService", "RapportStorage",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ]
        ),
        // The operator's report: the book's figures gathered as the planner reads them, drawn as
        // one self-contained HTML page with SVG charts whose geometry is ours.
        .target(
            name: "RapportReport",
            dependencies: [
                "RapportCore", "RapportEngine", "RapportStorage", .product(name: "Mustache", package: "swift-mustache"),
            ]
        ),
        .executableTarget(name: "rapportctl", dependencies: ["RapportCommandLine", "RapportStorage", "RapportReport"]),
        // What the test targets share: a temporary folder that removes itself.
        .target(name: "RapportTestSupport", path: "Tests/RapportTestSupport"),
        .testTarget(
            name: "RapportCoreTests",
            dependencies: ["RapportCore", .product(name: "PropertyBased", package: "swift-property-based")],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "RapportMessagesTests",
            dependencies: [
                "RapportMessages", "RapportConfig", "RapportTestSupport",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]
        ),
        .testTarget(name: "RapportConfigTests", dependencies: ["RapportConfig", "RapportTestSupport"]),
        .testTarget(
            name: "RapportSQLiteStoreTests",
            dependencies: [
                "RapportSQLiteStore", "RapportStorage", "RapportTestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        // One suite for every store: each test runs on SQLite and on PostgreSQL.
        .testTarget(
            name: "RapportStoreTests",
            dependencies: [
                "RapportStorage", "RapportSQLiteStore", "RapportPostgresStore", "RapportTestSupport",
                .product(name: "GRDB", package: "GRDB.swift"), .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(name: "RapportSpoolTests", dependencies: ["RapportSpool", "RapportTestSupport"]),
        .testTarget(name: "RapportServiceTests", dependencies: ["RapportService", "RapportStorage"]),
        .testTarget(name: "RapportSMSTests", dependencies: ["RapportSMS", "RapportTestSupport"]),
        .testTarget(
            name: "RapportReportTests", dependencies: ["RapportReport", "RapportCore", "RapportEngine"],
            exclude: ["Golden"]
        ),
        .testTarget(
            name: "RapportMailTests", dependencies: ["RapportMail", "RapportTestSupport"],
            resources: [.copy("Fixtures")]
        ),
        // Runs the built rapportd and rapportctl, and the engine in-process, on temp folders.
        .testTarget(
            name: "RapportEndToEndTests",
            dependencies: [
                "RapportEngine", "RapportStorage", "RapportSQLiteStore", "RapportSpool", "RapportMessages",
                "RapportMail", "RapportSMS", "RapportReport", "RapportService",
                "RapportCommandLine",
                "RapportTestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)

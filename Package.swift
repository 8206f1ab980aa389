// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "SoTay",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "sotay", targets: ["sotay"]),
        .library(name: "SoTayCore", targets: ["SoTayCore"]),
        .library(name: "SoTayContent", targets: ["SoTayContent"]),
        .library(name: "SoTayStore", targets: ["SoTayStore"]),
        .library(name: "SoTayWire", targets: ["SoTayWire"]),
        .library(name: "SoTaySync", targets: ["SoTaySync"]),
        .library(name: "SoTayHub", targets: ["SoTayHub"]),
        .library(name: "SoTayReports", targets: ["SoTayReports"]),
        .executable(name: "sotay-hub", targets: ["sotay-hub"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
    ],
    targets: [
        // Domain types and every decision: no I/O, no database, no terminal.
        // Data/ holds lists kept as data (common passwords), embedded as source by the plugin.
        .target(name: "SoTayCore", exclude: ["Data"], plugins: ["EmbedContent"]),

        // The procedure library as data: YAML loader, validator, and the bundled pack.
        .target(
            name: "SoTayContent",
            dependencies: ["SoTayCore", .product(name: "Yams", package: "Yams")],
            plugins: ["EmbedContent"]
        ),

        // The volunteer's local SQLite store.
        .target(
            name: "SoTayStore",
            dependencies: [
                "SoTayCore", "SoTayReports", "CKeyring", .product(name: "GRDB", package: "GRDB.swift"), .product(name: "Crypto", package: "swift-crypto"),
                // scrypt, for the key that wraps the data key from the volunteer's passphrase.
                .product(name: "CryptoExtras", package: "swift-crypto"),
            ]
        ),
        // Linux's kernel keyring: an unlocked store stays unlocked for a while, across commands,
        // without the key touching the disk (`SessionKeyring`).
        .target(name: "CKeyring"),

        // What the volunteer's laptop and the hub say to each other: request and reply bodies,
        // error codes and the receipt format. Shared by both sides, and nothing else is.
        .target(name: "SoTayWire", dependencies: ["SoTayCore", .product(name: "Crypto", package: "swift-crypto")]),

        // The monthly report: indicators (from content) to SQL, and the one `Report` every format
        // renders (table, CSV, XLSX, HTML, JSON). Used by both the volunteer and the hub.
        .target(name: "SoTayReports", dependencies: ["SoTayCore"]),

        // The sync client: outbox pump, HTTP over URLSession (libcurl), backoff, hub probing.
        // No server stack here: the volunteer's binary never links Hummingbird or NIO.
        .target(
            name: "SoTaySync",
            dependencies: ["SoTayCore", "SoTayStore", "SoTayWire", .product(name: "Crypto", package: "swift-crypto")]
        ),

        // The commune hub as a library: routes, its own store, auth, receipts, change feed.
        .target(
            name: "SoTayHub",
            dependencies: [
                "SoTayCore", "SoTayWire", "SoTayReports", "SoTayContent",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                // A province hub's store (`serve --database postgres://…`).
                .product(name: "PostgresNIO", package: "postgres-nio"),
                // The officer's web console: server-rendered templates (Console/Templates).
                .product(name: "Mustache", package: "swift-mustache"),
            ]
        ),

        // The hub's command: `serve` and the admin commands.
        .executableTarget(
            name: "sotay-hub",
            dependencies: ["SoTayHub", "SoTayCore", "SoTayContent", "SoTayReports", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),

        // GNU readline, for line editing, history and tab completion at the prompts.
        .systemLibrary(
            name: "CReadline",
            providers: [.apt(["libreadline-dev"])]
        ),

        // QR codes (libqrencode) and JPEG scaling (libjpeg-turbo), for the handout and photo copies.
        .systemLibrary(name: "CQREncode", providers: [.apt(["libqrencode-dev"])]),
        .systemLibrary(name: "CTurboJPEG", providers: [.apt(["libturbojpeg0-dev"])]),
        .target(name: "SoTayMedia", dependencies: ["CQREncode", "CTurboJPEG"]),

        // The volunteer's command: argument parsing, terminal I/O and exit codes only.
        .executableTarget(
            name: "sotay",
            dependencies: [
                "SoTayCore", "SoTayContent", "SoTayStore", "SoTaySync", "SoTayReports", "CReadline", "SoTayMedia",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                // The key of the library listing kept in the data folder (`ListingCache`).
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),

        // Build-time tool: turns content/ into Swift source, so the binary carries its default pack.
        .executableTarget(name: "content-embedder"),
        .plugin(
            name: "EmbedContent",
            capability: .buildTool(),
            dependencies: ["content-embedder"]
        ),

        // The benchmark suite (`make bench`): figures against baselines measured in the same run.
        .executableTarget(
            name: "sotay-bench",
            dependencies: [
                "SoTayCore", "SoTayContent", "SoTayStore", "SoTayHub", "SoTayReports", "SoTaySync", "SoTayWire", "SoTayTestSupport", "SoTayMedia",
                .product(name: "GRDB", package: "GRDB.swift"), .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"), .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            path: "Benchmarks/SoTayBench"
        ),

        .testTarget(name: "SoTayCoreTests", dependencies: ["SoTayCore"]),
        .testTarget(name: "SoTayReportsTests", dependencies: ["SoTayReports", "SoTayCore", "SoTayContent", "SoTayStore", "SoTayTestSupport"]),
        .testTarget(name: "SoTayContentTests", dependencies: ["SoTayContent", "SoTayCore"], exclude: ["Fixtures"]),
        .testTarget(name: "SoTayStoreTests", dependencies: ["SoTayStore", "SoTayCore", .product(name: "Crypto", package: "swift-crypto"), .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(
            name: "SoTayHubTests",
            dependencies: [
                "SoTayHub", "SoTayWire", "SoTayCore", "SoTayReports", "SoTayContent", "SoTayTestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ]
        ),
        // One conformance suite, run against the GRDB store and the PostgreSQL store.
        .testTarget(
            name: "SoTayHubConformanceTests",
            dependencies: [
                "SoTayHub", "SoTayWire", "SoTayCore", "SoTayReports", "SoTayContent", "SoTayTestSupport",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                // The console's pages, on either store, through the router.
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                // The contract (sync/openapi.yaml), read to check each store's router against it.
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        .testTarget(name: "SoTaySyncTests", dependencies: ["SoTaySync", "SoTayWire", "SoTayStore", "SoTayCore"]),
        // Runs the built binaries as their users do: a volunteer's terminal, a hub on a loopback port.
        .target(
            name: "SoTayTestSupport",
            dependencies: [.product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio")],
            path: "Tests/SoTayTestSupport"
        ),
        .testTarget(
            name: "SoTayEndToEndTests",
            dependencies: [
                "sotay", "sotay-hub", "SoTayTestSupport", "SoTayWire", "SoTaySync", "SoTayStore", "SoTayCore", "SoTayHub", "SoTayMedia",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                // A hub from before dossier batches: this hub's router without the route, on a live port.
                .product(name: "HummingbirdTesting", package: "hummingbird"), .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .testTarget(
            name: "SoTayCLITests",
            dependencies: ["sotay", "SoTayTestSupport"],
            exclude: ["Fixtures"]
        ),
        // Thousands of generated inputs against the content loader, the answer checks and the hub's request decoding.
        .testTarget(
            name: "SoTayPropertyTests",
            dependencies: [
                "SoTayCore", "SoTayContent", "SoTayWire", "SoTayHub",
                .product(name: "PropertyBased", package: "swift-property-based"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)

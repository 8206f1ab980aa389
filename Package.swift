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
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        // Domain types and every decision: no I/O, no database, no terminal.
        .target(name: "SoTayCore"),

        // The procedure library as data: YAML loader, validator, and the bundled pack.
        .target(
            name: "SoTayContent",
            dependencies: ["SoTayCore", .product(name: "Yams", package: "Yams")],
            plugins: ["EmbedContent"]
        ),

        // The volunteer's local SQLite store.
        .target(
            name: "SoTayStore",
            dependencies: ["SoTayCore", .product(name: "GRDB", package: "GRDB.swift")]
        ),

        // GNU readline, for line editing, history and tab completion at the prompts.
        .systemLibrary(
            name: "CReadline",
            providers: [.apt(["libreadline-dev"])]
        ),

        // The volunteer's command: argument parsing, terminal I/O and exit codes only.
        .executableTarget(
            name: "sotay",
            dependencies: [
                "SoTayCore", "SoTayContent", "SoTayStore", "CReadline",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        // Build-time tool: turns content/ into Swift source, so the binary carries its default pack.
        .executableTarget(name: "content-embedder"),
        .plugin(
            name: "EmbedContent",
            capability: .buildTool(),
            dependencies: ["content-embedder"]
        ),

        .testTarget(name: "SoTayCoreTests", dependencies: ["SoTayCore"]),
        .testTarget(name: "SoTayContentTests", dependencies: ["SoTayContent", "SoTayCore"], exclude: ["Fixtures"]),
        .testTarget(name: "SoTayStoreTests", dependencies: ["SoTayStore", "SoTayCore"]),
        .testTarget(
            name: "SoTayCLITests",
            dependencies: ["sotay"],
            exclude: ["Fixtures"]
        ),
    ],
    swiftLanguageModes: [.v6]
)

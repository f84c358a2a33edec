// swift-tools-version: 6.0
import PackageDescription

/// The libraries' numeric loops are useless unoptimised (FACTS.md: -Onone SIMD loops run
/// ~1000x slower), so it is always compiled with -O, also in debug builds and tests.
let optimized: [SwiftSetting] = [.unsafeFlags(["-O"])]

let package = Package(
    name: "tracker",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "tracker", targets: ["tracker-cli"]),
        .library(name: "Tracker", targets: ["Tracker"]),
        .library(name: "Trainer", targets: ["Trainer"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.1"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
    ],
    targets: [
        .systemLibrary(
            name: "CSQLite", pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]),
        // libpq, the PostgreSQL client library, for `--db postgresql://…` (Sources/Tracker/SQLite/Postgres).
        .systemLibrary(
            name: "CLibPQ", pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]),
        .systemLibrary(
            name: "CBLAS", pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(
            name: "CZlib", pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]),
        .target(name: "Tracker", dependencies: ["CSQLite", "CLibPQ", "CKernels"], swiftSettings: optimized),
        // The version and the git commit, embedded at build time (see Plugins/GitCommitPlugin).
        .target(name: "BuildInfo", plugins: ["GitCommitPlugin"]),
        .plugin(name: "GitCommitPlugin", capability: .buildTool()),
        // Element-wise kernels Swift does not vectorise (see include/CKernels.h); optimised in
        // debug builds too, never contracting a * b + c into an FMA.
        .target(name: "CKernels", cSettings: [.unsafeFlags(["-O3", "-fno-math-errno", "-ffp-contract=off"])]),
        .target(
            name: "Trainer", dependencies: ["Tracker", "BuildInfo", "CBLAS", "CZlib", "CKernels", .product(name: "Yams", package: "Yams")],
            swiftSettings: optimized),
        .target(
            name: "TrackerUI",
            dependencies: [
                "Tracker",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: optimized),
        .executableTarget(
            name: "tracker-cli",
            dependencies: [
                "Tracker", "Trainer", "TrackerUI",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .executableTarget(
            name: "tracker-bench",
            dependencies: [
                // CSQLite only for the raw-SQLite peer of the ingest benchmark (RawSQLiteInsert).
                "Tracker", "Trainer", "TrackerUI", "CSQLite",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: optimized),
        .testTarget(name: "TrackerTests", dependencies: ["Tracker"]),
        .testTarget(name: "TrainerTests", dependencies: ["Trainer", "CKernels"]),
        .testTarget(name: "CLITests", dependencies: ["tracker-cli", "Tracker", "Trainer"], exclude: ["Golden", "Help"]),
        .testTarget(name: "TrackerUITests", dependencies: ["TrackerUI", "Tracker", "Trainer"]),
    ],
    swiftLanguageModes: [.v6]
)

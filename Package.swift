// swift-tools-version:6.2
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "drs",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "drs", targets: ["drs"]),
        .library(name: "DRSDomain", targets: ["DRSDomain"]),
        .library(name: "DRSStorage", targets: ["DRSStorage"]),
        .library(name: "DRSAPI", targets: ["DRSAPI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/vapor/sqlite-nio", from: "1.13.2"),
        .package(url: "https://github.com/apple/swift-configuration", from: "1.4.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/adam-fowler/compress-nio", from: "1.5.0"),
    ],
    targets: [
        // Pure rules: catalogues, action matrix, request validation, JSON. No I/O.
        .target(
            name: "DRSDomain",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        // sqlite3_db_config, which Swift cannot call (C variadic), for DRSSQLite; a memory prefetch for DRSStorage.
        .target(name: "CDRSSQLiteConfig", dependencies: [.product(name: "SQLiteNIO", package: "sqlite-nio")]),
        // drs's own layer over the SQLite that sqlite-nio bundles: statement cache, pool, errors by result code.
        .target(
            name: "DRSSQLite",
            dependencies: [
                "CDRSSQLiteConfig",
                .product(name: "SQLiteNIO", package: "sqlite-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // The store protocol and its SQLite and PostgreSQL implementations.
        .target(
            name: "DRSStorage",
            dependencies: [
                "DRSDomain", "DRSSQLite", "CDRSSQLiteConfig",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // The lifecycle over the store: operations in one transaction per item, the simulator service.
        .target(
            name: "DRSLifecycle",
            dependencies: [
                "DRSDomain", "DRSStorage",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // The HTTP API: router, middleware, handlers, response writer.
        .target(
            name: "DRSAPI",
            dependencies: [
                "DRSDomain", "DRSStorage", "DRSLifecycle",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "CompressNIO", package: "compress-nio"),
            ],
            resources: [
                .embedInCode("Resources/openapi.json"),
                .embedInCode("Resources/console/console.html"),
                .embedInCode("Resources/console/console.css"),
                .embedInCode("Resources/console/console.js"),
            ],
            swiftSettings: swiftSettings
        ),
        // The thin `drs` command line.
        .executableTarget(
            name: "drs",
            dependencies: [
                "DRSDomain", "DRSStorage", "DRSLifecycle", "DRSAPI",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // The benchmark's ceiling: the same HTTP stack answering a fixed body (scripts/bench only).
        .executableTarget(
            name: "drs-ceiling",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "DRSDomainTests", dependencies: ["DRSDomain", "DRSTestSupport"], swiftSettings: swiftSettings),
        // Fixtures and store set-up shared by the test targets.
        .target(
            name: "DRSTestSupport",
            dependencies: [
                "DRSDomain", "DRSStorage",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            path: "Tests/DRSTestSupport",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "DRSStorageTests",
            dependencies: [
                "DRSDomain", "DRSStorage", "DRSSQLite", "DRSTestSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "DRSLifecycleTests",
            dependencies: [
                "DRSDomain", "DRSStorage", "DRSLifecycle", "DRSTestSupport",
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "DRSAPITests",
            dependencies: [
                "DRSDomain", "DRSStorage", "DRSLifecycle", "DRSAPI", "DRSTestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                "DRSSQLite",
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "CompressNIO", package: "compress-nio"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)

// swift-tools-version:6.2
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let hummingbird = Target.Dependency.product(name: "Hummingbird", package: "hummingbird")
let logging = Target.Dependency.product(name: "Logging", package: "swift-log")
let sqlKit = Target.Dependency.product(name: "SQLKit", package: "sql-kit")
let crypto = Target.Dependency.product(name: "Crypto", package: "swift-crypto")

let package = Package(
    name: "acme",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "acme-server", targets: ["acme-server"]),
        .library(name: "AcmeServer", targets: ["AcmeServer"]),
    ],
    traits: [
        .trait(name: "Kafka", description: "Kafka event bus (AcmeKafka) over librdkafka; needs librdkafka-dev to build."),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/vapor/jwt-kit.git", from: "5.8.0"),
        .package(url: "https://github.com/vapor/sql-kit.git", from: "3.36.0"),
        .package(url: "https://github.com/vapor/sqlite-kit.git", from: "4.5.2"),
        .package(url: "https://github.com/vapor/sqlite-nio.git", from: "1.13.2"),
        .package(url: "https://github.com/vapor/postgres-kit.git", from: "2.17.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-configuration.git", from: "1.4.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
    ],
    targets: [
        .target(
            name: "AcmeCore",
            dependencies: [hummingbird, logging, crypto],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "AcmeDatabase",
            dependencies: [
                "AcmeCore", sqlKit, logging,
                .product(name: "SQLiteKit", package: "sqlite-kit"),
                .product(name: "SQLiteNIO", package: "sqlite-nio"),
                .product(name: "PostgresKit", package: "postgres-kit"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                "CSQLiteSettings",
            ],
            swiftSettings: swiftSettings
        ),
        .target(name: "CSQLiteSettings", dependencies: [.product(name: "SQLiteNIO", package: "sqlite-nio")]),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib"),
        .target(name: "AcmeAvro", dependencies: ["CZlib"], swiftSettings: swiftSettings),
        .target(
            name: "AcmeEvents",
            dependencies: ["AcmeCore", "AcmeDatabase", sqlKit, logging,
                           .product(name: "ServiceLifecycle", package: "swift-service-lifecycle")],
            swiftSettings: swiftSettings
        ),
        .systemLibrary(
            name: "CRdKafka",
            path: "Sources/CRdKafka",
            pkgConfig: "rdkafka",
            providers: [.apt(["librdkafka-dev"])]
        ),
        .target(
            name: "AcmeKafka",
            dependencies: ["AcmeEvents", "AcmeCore", "AcmeAvro", logging,
                           .target(name: "CRdKafka", condition: .when(traits: ["Kafka"]))],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "User",
            dependencies: ["AcmeCore", "AcmeDatabase", "AcmeEvents", hummingbird, sqlKit],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Auth",
            dependencies: [
                "AcmeCore", "AcmeDatabase", "AcmeEvents", "User", hummingbird, sqlKit, crypto,
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "HummingbirdOTP", package: "hummingbird-auth"),
            ],
            resources: [.copy("Resources/common-passwords.txt")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Project",
            dependencies: ["AcmeCore", "AcmeDatabase", "AcmeEvents", "User", hummingbird, sqlKit],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Document",
            dependencies: ["AcmeCore", "AcmeDatabase", "AcmeEvents", "Project", hummingbird, sqlKit],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Gateway",
            dependencies: ["AcmeCore", hummingbird, logging],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "AcmeServer",
            dependencies: [
                "AcmeCore", "AcmeDatabase", "AcmeEvents", "AcmeKafka", "Auth", "User", "Project", "Document", "Search", "Gateway",
                hummingbird, logging,
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            resources: [.copy("Resources/openapi.yaml")],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "acme-server",
            dependencies: ["AcmeServer", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Search",
            dependencies: ["AcmeCore", "AcmeDatabase", "AcmeEvents", "User", hummingbird, sqlKit],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "bench-search",
            dependencies: ["Search", "AcmeDatabase", logging],
            path: "Benchmarks/bench-search",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "bench-events",
            dependencies: ["AcmeKafka", "AcmeEvents", "AcmeDatabase", "AcmeCore", logging],
            path: "Benchmarks/bench-events",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "bench-hello",
            dependencies: [hummingbird],
            path: "Benchmarks/bench-hello",
            swiftSettings: swiftSettings
        ),
        // Shared by the test targets: scratch databases on either backend, a seeded random generator.
        .target(
            name: "AcmeTestSupport",
            dependencies: ["AcmeDatabase", logging],
            path: "Tests/AcmeTestSupport",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SearchTests",
            dependencies: ["Search", "AcmeTestSupport", "AcmeCore", "AcmeDatabase", "AcmeEvents", sqlKit],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "AcmeAvroTests", dependencies: ["AcmeAvro", "AcmeTestSupport"], swiftSettings: swiftSettings),
        .testTarget(
            name: "AcmeCoreTests",
            dependencies: ["AcmeCore"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "AcmeDatabaseTests",
            dependencies: ["AcmeDatabase", "AcmeCore", "AcmeTestSupport", sqlKit],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "AcmeEventsTests",
            dependencies: ["AcmeEvents", "AcmeDatabase", "AcmeTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "AcmeKafkaTests",
            dependencies: ["AcmeKafka", "AcmeEvents", "AcmeDatabase", "AcmeCore", "AcmeTestSupport", sqlKit, logging],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "AcmeServerTests",
            dependencies: [
                "AcmeServer", "Auth", "User", "Gateway", "AcmeCore", "AcmeDatabase", "AcmeEvents", "AcmeKafka", "AcmeTestSupport",
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "HummingbirdOTP", package: "hummingbird-auth"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)

// swift-tools-version:6.0
import PackageDescription

// One package, four services. Shared mechanisms live once under Shared/, each
// service's behaviour under Services/<Name>/.
let package = Package(
    name: "reintegration",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "intake", targets: ["Intake"]),
        .executable(name: "referral", targets: ["Referral"]),
        .executable(name: "escalation", targets: ["Escalation"]),
        .executable(name: "notification", targets: ["Notification"]),
        .executable(name: "reintegrationctl", targets: ["Reintegrationctl"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.0"),
        // Tests only: the DevTools protocol client that drives headless Chromium.
        .package(url: "https://github.com/hummingbird-project/swift-websocket.git", from: "1.6.0"),
    ],
    targets: [
        // C libraries, wrapped once.
        .systemLibrary(
            name: "CRabbitMQ",
            path: "Shared/CRabbitMQ",
            pkgConfig: "librabbitmq",
            providers: [.apt(["librabbitmq-dev"])]
        ),
        .systemLibrary(
            name: "CCurl",
            path: "Shared/CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        .systemLibrary(
            name: "CLibPQ",
            path: "Shared/CLibPQ",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]
        ),

        // Shared mechanisms.
        // The retry schedule every reconnect and redelivery uses.
        .target(
            name: "Retry",
            path: "Shared/Retry"
        ),
        .target(
            name: "AMQP",
            dependencies: [
                "CRabbitMQ", "Retry",
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Shared/AMQP"
        ),
        .target(
            name: "Postgres",
            dependencies: [
                "CLibPQ",
                "Retry",
                "ProlepticGregorian",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            path: "Shared/Postgres"
        ),
        .target(
            name: "Contract",
            dependencies: ["WorkingCalendar", "StrictJSON"],
            path: "Shared/Contract"
        ),
        // The strict JSON reader both message parsers use; no dependencies, so the fuzz
        // harnesses (Tests/Fuzz) compile it on its own.
        .target(
            name: "StrictJSON",
            path: "Shared/StrictJSON"
        ),
        // Day numbers on the calendar dates and timestamps are written in.
        .target(
            name: "ProlepticGregorian",
            path: "Shared/ProlepticGregorian"
        ),
        .target(
            name: "WorkingCalendar",
            dependencies: ["ProlepticGregorian"],
            path: "Shared/WorkingCalendar"
        ),
        .target(
            name: "Curl",
            dependencies: ["CCurl", "ProlepticGregorian", .product(name: "Logging", package: "swift-log")],
            path: "Shared/Curl"
        ),
        .target(
            name: "Messaging",
            dependencies: [
                "AMQP", "Postgres", "Contract", "Retry",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Shared/Messaging"
        ),
        .target(
            name: "ServiceKit",
            dependencies: [
                "AMQP", "Postgres", "Messaging", "Contract", "Retry", "WorkingCalendar",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            path: "Shared/ServiceKit"
        ),

        // Each service's rules, free of I/O so they are tested on their own.
        .target(name: "IntakeDomain", dependencies: ["Contract", "StrictJSON", "WorkingCalendar"], path: "Services/Intake/Domain"),
        .target(name: "ReferralDomain", dependencies: ["Contract", "StrictJSON", "WorkingCalendar"], path: "Services/Referral/Domain"),
        .target(name: "EscalationDomain", dependencies: ["Contract", "WorkingCalendar"], path: "Services/Escalation/Domain"),
        .target(
            name: "NotificationDomain",
            dependencies: [
                "Contract", "Retry", "WorkingCalendar",
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            // The shipped templates are compiled in from Templates/, their one source.
            path: "Services/Notification",
            exclude: ["Service", "Operations"],
            sources: ["Domain"],
            resources: [.embedInCode("Templates")]
        ),

        // What the operators' tool borrows from a service: its queries and rules, owned
        // beside the service's migrations, so the tool writes no SQL against its schema.
        .target(
            name: "NotificationOperations",
            dependencies: ["NotificationDomain", "Postgres"],
            path: "Services/Notification/Operations"
        ),
        .target(
            name: "ReferralOperations",
            dependencies: ["ReferralDomain", "Messaging", "Contract", "AMQP", "Postgres", "WorkingCalendar"],
            path: "Services/Referral/Operations"
        ),
        .target(name: "IntakeOperations", dependencies: ["Contract", "Postgres"], path: "Services/Intake/Operations"),
        .target(name: "EscalationOperations", dependencies: ["Postgres"], path: "Services/Escalation/Operations"),

        // The four services and the operator tool.
        .executableTarget(
            name: "Intake",
            dependencies: [
                "IntakeDomain", "ServiceKit", "Messaging", "Contract", "AMQP", "Postgres",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Services/Intake/Service"
        ),
        .executableTarget(
            name: "Referral",
            dependencies: [
                "ReferralDomain", "ReferralOperations", "ServiceKit", "Messaging", "Contract", "AMQP", "Postgres", "WorkingCalendar",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Services/Referral/Service"
        ),
        .executableTarget(
            name: "Escalation",
            dependencies: [
                "EscalationDomain", "EscalationOperations", "ServiceKit", "Messaging", "Contract", "AMQP", "Postgres", "WorkingCalendar",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Services/Escalation/Service"
        ),
        .executableTarget(
            name: "Notification",
            dependencies: [
                "NotificationDomain", "ServiceKit", "Messaging", "Contract", "AMQP", "Postgres", "Curl", "Retry", "WorkingCalendar",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Services/Notification/Service"
        ),
        .executableTarget(
            name: "Reintegrationctl",
            dependencies: [
                "ReferralDomain", "ReferralOperations", "NotificationDomain", "NotificationOperations",
                "IntakeOperations", "EscalationOperations", "ServiceKit",
                "Messaging", "Contract", "AMQP", "Postgres", "Retry", "WorkingCalendar",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            path: "Services/Reintegrationctl"
        ),

        // Tests. Integration tests talk to the real broker and database that
        // deploy/local/test starts; TestSupport only reads where they are.
        .target(
            name: "TestSupport",
            path: "Tests/TestSupport"
        ),
        .testTarget(name: "AMQPTests", dependencies: ["AMQP", "Retry", "TestSupport"]),
        .testTarget(name: "PostgresTests", dependencies: ["Postgres", "TestSupport"]),
        .testTarget(name: "WorkingCalendarTests", dependencies: ["WorkingCalendar"]),
        .testTarget(name: "RetryTests", dependencies: ["Retry"]),
        .testTarget(name: "StrictJSONTests", dependencies: ["StrictJSON"]),
        .testTarget(
            name: "EscalationTests",
            dependencies: [
                "Escalation", "EscalationDomain", "Contract", "WorkingCalendar", "Messaging", "Postgres", "ServiceKit", "TestSupport",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(name: "NotificationTests", dependencies: ["NotificationDomain", "Curl", "Contract", "TestSupport", "Notification", "Messaging", "Postgres", "ServiceKit", "WorkingCalendar"], exclude: ["Scripts"]),
        .testTarget(name: "MessagingTests", dependencies: ["Messaging", "TestSupport"]),
        .testTarget(name: "ServiceKitTests", dependencies: ["ServiceKit", "AMQP", "Postgres"]),
        .testTarget(name: "IntakeTests", dependencies: ["IntakeDomain", "Contract", "WorkingCalendar", "TestSupport"]),
        .testTarget(name: "ReferralTests", dependencies: ["ReferralDomain", "Contract", "WorkingCalendar", "TestSupport"]),
        .testTarget(
            name: "ClusterTests",
            dependencies: [
                "Messaging", "Contract", "Retry", "TestSupport", "WorkingCalendar",
                .product(name: "WSClient", package: "swift-websocket"),
            ]
        ),
        .testTarget(name: "ReintegrationctlTests", dependencies: ["Reintegrationctl", "ReferralDomain", "ReferralOperations", "ServiceKit", "WorkingCalendar", .product(name: "ArgumentParser", package: "swift-argument-parser")]),
    ]
)

import Postgres
import Testing

@Suite("PostgresConfiguration URL parsing")
struct PostgresConfigurationTests {
    @Test func parsesAllPartsAndPercentDecodesCredentials() throws {
        let configuration = try PostgresConfiguration(
            url: "postgresql://intake%5Fsvc:p%40ss%3Aw%2Frd@db.internal:55432/reintegration"
        )
        #expect(configuration.user == "intake_svc")
        #expect(configuration.password == "p@ss:w/rd")
        #expect(configuration.host == "db.internal")
        #expect(configuration.port == 55432)
        #expect(configuration.database == "reintegration")
        #expect(configuration.applicationName == "reintegration")
        #expect(configuration.connectTimeout == .seconds(10))
    }

    @Test func defaultsThePortAndAcceptsThePostgresScheme() throws {
        let configuration = try PostgresConfiguration(url: "postgres://app@localhost/cases")
        #expect(configuration.port == 5432)
        #expect(configuration.password == "")
        #expect(configuration.user == "app")
        #expect(configuration.database == "cases")
    }

    @Test func readsIPv6HostsAndSupportedQueryParameters() throws {
        let configuration = try PostgresConfiguration(
            url: "postgresql://app:secret@[::1]:6543/cases?application_name=referral%20service&connect_timeout=3"
        )
        #expect(configuration.host == "::1")
        #expect(configuration.port == 6543)
        #expect(configuration.applicationName == "referral service")
        #expect(configuration.connectTimeout == .seconds(3))
        #expect(configuration.description == "postgresql://app@[::1]:6543/cases (application referral service)")
    }

    @Test func descriptionNeverShowsThePassword() throws {
        let configuration = try PostgresConfiguration(url: "postgresql://app:Sup3rSecret@db:5432/cases")
        #expect(!configuration.description.contains("Sup3rSecret"))
        #expect(!String(reflecting: configuration).contains("Sup3rSecret"))
        var dumped = ""
        dump(configuration, to: &dumped)
        #expect(!dumped.contains("Sup3rSecret"))
        #expect(dumped.contains("<redacted>"))
        #expect(configuration.description.contains("app@db:5432/cases"))
    }

    @Test(arguments: [
        "mysql://app:Sup3rSecret@db/cases",
        "postgresql://db:5432/cases",
        "postgresql://:Sup3rSecret@db/cases",
        "postgresql://app:Sup3rSecret@db:notaport/cases",
        "postgresql://app:Sup3rSecret@db:70000/cases",
        "postgresql://app:Sup3rSecret@db:5432",
        "postgresql://app:Sup3rSecret@:5432/cases",
        "postgresql://app:Sup3rSecret@db/cases?sslcompression=1",
        "postgresql://app:Sup%ZZret@db/cases",
        "postgresql://app:Sup3rSecret@[::1/cases",
    ])
    func refusesMalformedURLsWithoutEchoingThem(url: String) throws {
        let error = #expect(throws: PostgresError.self) {
            try PostgresConfiguration(url: url)
        }
        #expect(error?.kind == .configuration)
        #expect(error.map { !$0.description.contains("Sup3rSecret") } ?? false)
        #expect(error.map { !$0.debugDescription.contains("Sup3rSecret") } ?? false)
    }

    @Test func memberwiseInitialiserHasSensibleDefaults() {
        let configuration = PostgresConfiguration(host: "127.0.0.1", user: "u", password: "p", database: "d")
        #expect(configuration.port == 5432)
        #expect(configuration.connectTimeout == .seconds(10))
        #expect(configuration.description == "postgresql://u@127.0.0.1:5432/d (application reintegration)")
    }
}

@Suite("PostgresConfiguration: several servers and TLS")
struct PostgresFailoverConfigurationTests {
    @Test func readsSeveralServersTLSAndTheSessionKind() throws {
        let configuration = try PostgresConfiguration(url: """
            postgresql://intake:secret@db-a.internal:5432,db-b.internal:5433/reintegration?sslmode=verify-full\
            &sslrootcert=/etc/reintegration/ca.pem&sslcert=/etc/reintegration/intake.pem&sslkey=/etc/reintegration/intake.key\
            &target_session_attrs=read-write
            """)
        #expect(configuration.endpoints == [.init(host: "db-a.internal", port: 5432), .init(host: "db-b.internal", port: 5433)])
        #expect(configuration.sslMode == .verifyFull)
        #expect(configuration.sslRootCertificate == "/etc/reintegration/ca.pem")
        #expect(configuration.sslCertificate == "/etc/reintegration/intake.pem")
        #expect(configuration.sslKey == "/etc/reintegration/intake.key")
        #expect(configuration.targetSessionAttributes == "read-write")
        #expect(configuration.transportSecurityProblem == nil)
        #expect(configuration.description == "postgresql://intake@db-a.internal:5432,db-b.internal:5433/reintegration (application reintegration sslmode=verify-full)")
        #expect(!configuration.description.contains("secret"))
    }

    @Test(arguments: ["", "?sslmode=require", "?sslmode=verify-ca", "?sslmode=prefer"])
    func aRemoteServerNeedsVerifyFull(query: String) throws {
        let configuration = try PostgresConfiguration(url: "postgresql://u:p@127.0.0.1:5432,db.internal:5432/d\(query)")
        let problem = try #require(configuration.transportSecurityProblem)
        #expect(problem.contains("verify-full") && problem.contains("db.internal"))
    }

    @Test(arguments: ["postgresql://u:p@127.0.0.1:5432/d", "postgresql://u:p@localhost/d", "postgresql://u:p@[::1]:5432/d"])
    func thisMachineNeedsNoTLS(url: String) throws {
        #expect(try PostgresConfiguration(url: url).transportSecurityProblem == nil)
    }

    @Test(arguments: ["sslmode=sometimes", "target_session_attrs=writable", "sslrootcert="])
    func refusesUnknownValues(query: String) {
        #expect(throws: PostgresError.self) { try PostgresConfiguration(url: "postgresql://u:p@127.0.0.1/d?\(query)") }
    }
}

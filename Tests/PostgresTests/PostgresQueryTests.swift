import Foundation
import Postgres
import Testing

@Suite("Queries against a real server")
struct PostgresQueryTests {
    @Test func everyParameterKindRoundTrips() async throws {
        try await TestDatabase.withSchema { pool, schema in
            let instant = Date(timeIntervalSince1970: 1_780_035_300.123456)
            let id = UUID()
            let json = #"{"name": "Əli Məmmədov", "needs": ["health"]}"#
            let (inserted, rows) = try await pool.withConnection { connection in
                try connection.query(
                    """
                    CREATE TABLE \(schema).kinds (
                        name text, count bigint, small integer, flag boolean, ratio double precision,
                        at timestamptz, id uuid, blob bytea, doc jsonb, missing text
                    )
                    """
                )
                let inserted = try connection.execute(
                    "INSERT INTO \(schema).kinds VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10)",
                    [
                        .text("Əli Məmmədov"), .int(Int64.min), .int(Int64(Int32.max)), .bool(true),
                        .double(-0.1), .timestamp(instant), .uuid(id), .bytes([0, 1, 254, 255]),
                        .json(json), .null,
                    ]
                )
                return (inserted, try connection.query("SELECT *, doc->>'name' AS doc_name FROM \(schema).kinds"))
            }
            #expect(inserted == 1)
            let row = try #require(rows.first)
            #expect(try row["name"].decode(String.self) == "Əli Məmmədov")
            #expect(try row["count"].decode(Int64.self) == Int64.min)
            #expect(try row["small"].decode(Int32.self) == Int32.max)
            #expect(try row["flag"].decode(Bool.self))
            #expect(try row["ratio"].decode(Double.self) == -0.1)
            #expect(try abs(row["at"].decode(Date.self).timeIntervalSince(instant)) < 1e-6)
            #expect(row["at"].string == "2026-05-29 06:15:00.123456+00")
            #expect(try row["id"].decode(UUID.self) == id)
            #expect(try row["blob"].decode([UInt8].self) == [0, 1, 254, 255])
            #expect(try row["doc_name"].decode(String.self) == "Əli Məmmədov")
            #expect(row["missing"].isNull)
        }
    }

    @Test func parametersAreSentInTheDocumentedTextForms() async throws {
        let instant = Date(timeIntervalSince1970: 1_780_035_300.123456)
        let id = try #require(UUID(uuidString: "C8F0A8A2-5B1E-4C7E-9F3A-2D6B8E1F0A11"))
        let rows = try await TestDatabase.withPool { pool in
            try await pool.withConnection { connection in
                try connection.query(
                    "SELECT $1::text AS at, $2::text AS id, $3::text AS blob, $4::text AS flag, $5::text AS inf",
                    [.timestamp(instant), .uuid(id), .bytes([0xDE, 0xAD]), .bool(false), .double(.infinity)]
                )
            }
        }
        let row = try #require(rows.first)
        #expect(row["at"].string == "2026-05-29T06:15:00.123456Z")
        #expect(row["id"].string == "c8f0a8a2-5b1e-4c7e-9f3a-2d6b8e1f0a11")
        #expect(row["blob"].string == "\\xdead")
        #expect(row["flag"].string == "false")
        #expect(row["inf"].string == "Infinity")
    }

    @Test func literalsNullsAndOptionals() async throws {
        let noPhone: String? = nil
        let rows = try await TestDatabase.withPool { pool in
            try await pool.withConnection { connection in
                try connection.query(
                    "SELECT $1::text AS name, $2::int AS age, $3::boolean AS consent, $4::text AS phone, $5::date AS born",
                    ["Aysel", 10, true, PostgresValue(noPhone), .null]
                )
            }
        }
        let row = try #require(rows.first)
        #expect(rows.count == 1)
        #expect(try row["name"].decode(String.self) == "Aysel")
        #expect(try row["age"].decode(Int.self) == 10)
        #expect(try row["consent"].decode(Bool.self))
        #expect(try row["phone"].decodeIfPresent(String.self) == nil)
        #expect(row["born"].isNull)
        #expect(throws: PostgresError.self) { try row["born"].decode(Date.self) }
    }

    @Test func doublesSurviveExactly() async throws {
        let values: [Double] = [0.1, -1e-300, .leastNonzeroMagnitude, .greatestFiniteMagnitude, 123456789.123456789, .nan, -.infinity]
        let decoded = try await TestDatabase.withPool { pool in
            try await pool.withConnection { connection in
                try values.map { value in
                    try connection.query("SELECT $1::float8 AS value", [.double(value)])[0]["value"].decode(Double.self)
                }
            }
        }
        for (sent, received) in zip(values, decoded) {
            #expect(sent == received || (sent.isNaN && received.isNaN))
        }
    }

    @Test func byteaRoundTripOfEveryByteValue() async throws {
        try await TestDatabase.withSchema { pool, schema in
            let everyByte = (0...255).map { UInt8($0) } + (0...255).reversed().map { UInt8($0) }
            let (stored, length) = try await pool.withConnection { connection in
                try connection.query("CREATE TABLE \(schema).blobs (id int PRIMARY KEY, data bytea NOT NULL)")
                try connection.query("INSERT INTO \(schema).blobs VALUES (1, $1), (2, $2)", [.bytes(everyByte), .bytes([])])
                let rows = try connection.query("SELECT data, length(data) AS length FROM \(schema).blobs ORDER BY id")
                return (
                    try rows.map { try $0["data"].decode([UInt8].self) },
                    try rows[0]["length"].decode(Int.self)
                )
            }
            #expect(stored == [everyByte, []])
            #expect(length == 512)
        }
    }

    @Test func timestampsRoundTripThroughTimestamptz() async throws {
        let instants = [
            Date(timeIntervalSince1970: 0),
            Date(timeIntervalSince1970: -86_400.25),
            Date(timeIntervalSince1970: 1_780_035_300.999999),
            Date(timeIntervalSince1970: 253_402_300_799),  // 9999-12-31 23:59:59
        ]
        let decoded = try await TestDatabase.withPool { pool in
            try await pool.withConnection { connection in
                try instants.map { instant in
                    try connection.query("SELECT $1::timestamptz AS at", [.timestamp(instant)])[0]["at"].decode(Date.self)
                }
            }
        }
        for (sent, received) in zip(instants, decoded) {
            #expect(abs(sent.timeIntervalSince(received)) < 1e-6)
        }
    }

    @Test func serverErrorsCarrySQLStateButNoMessageInTheirDescription() async throws {
        try await TestDatabase.withSchema { pool, schema in
            try await pool.withConnection { connection in
                try connection.query("CREATE TABLE \(schema).people (personal_id text PRIMARY KEY)")
                try connection.query("INSERT INTO \(schema).people VALUES ($1)", ["5ABC1D2"])
            }
            let error = await #expect(throws: PostgresError.self) {
                try await pool.withConnection { connection in
                    try connection.query("INSERT INTO \(schema).people VALUES ($1)", ["5ABC1D2"])
                }
            }
            #expect(error?.kind == .server)
            #expect(error?.sqlState == "23505")
            #expect(error?.isUniqueViolation == true)
            #expect(error?.isRetryable == false)
            #expect(error?.description.contains("5ABC1D2") == false)
            #expect(error?.description.contains("duplicate") == false)
            #expect(error?.debugDescription.contains("duplicate key") == true)
            #expect(error?.debugDescription.contains("5ABC1D2") == false)

            // The connection stays usable after a server error.
            let count = try await pool.withConnection { connection in
                try connection.query("SELECT count(*) AS n FROM \(schema).people")[0]["n"].decode(Int.self)
            }
            #expect(count == 1)
        }
    }

    @Test func parametersCannotBreakOutOfTheStatement() async throws {
        try await TestDatabase.withSchema { pool, schema in
            let hostile = "x'); DROP SCHEMA \(schema) CASCADE; --"
            let echoed = try await pool.withConnection { connection in
                try connection.query("SELECT $1::text AS value", [.text(hostile)])[0]["value"].decode(String.self)
            }
            #expect(echoed == hostile)
            await #expect(throws: PostgresError.self) {
                try await pool.withConnection { connection in
                    try connection.query("SELECT 1; SELECT 2")
                }
            }
            await #expect(throws: PostgresError.self) {
                try await pool.withConnection { connection in
                    try connection.query("SELECT $1::text", [.text("nul\u{0}byte")])
                }
            }
            let exists = try await pool.withConnection { connection in
                try connection.query("SELECT 1 FROM pg_namespace WHERE nspname = $1", [.text(schema)]).count
            }
            #expect(exists == 1)
        }
    }

    @Test func executeScriptRunsSeveralStatements() async throws {
        try await TestDatabase.withSchema { pool, schema in
            let count = try await pool.withConnection { connection in
                try connection.executeScript(
                    """
                    CREATE TABLE \(schema).districts (code text PRIMARY KEY);
                    INSERT INTO \(schema).districts VALUES ('binagadi'), ('nasimi');
                    INSERT INTO \(schema).districts VALUES ('ganja');
                    """
                )
                return try connection.execute("UPDATE \(schema).districts SET code = upper(code)")
            }
            #expect(count == 3)
        }
    }

    @Test func copyIsRefusedAndTheConnectionReplaced() async throws {
        try await TestDatabase.withPool { pool in
            let error = await #expect(throws: PostgresError.self) {
                try await pool.withConnection { connection in
                    try connection.query("COPY (SELECT 1) TO STDOUT")
                }
            }
            #expect(error?.kind == .protocolViolation)
            let count = try await pool.withConnection { try $0.query("SELECT 1").count }
            #expect(count == 1)
        }
    }

    @Test func wrongPasswordIsAConnectionErrorThatDoesNotLeakIt() async throws {
        var configuration = try TestDatabase.configuration()
        configuration.password = "Wr0ng-Secret-Value"
        let pool = PostgresPool(configuration: configuration, size: 1, logger: TestDatabase.logger)
        let error = await #expect(throws: PostgresError.self) {
            try await pool.withConnection { try $0.query("SELECT 1") }
        }
        #expect(error?.kind == .connection)
        #expect(error?.description.contains("Wr0ng-Secret-Value") == false)
        #expect(error?.debugDescription.contains("Wr0ng-Secret-Value") == false)
        #expect(await pool.ping() == false)
        await pool.shutdown()
    }
}

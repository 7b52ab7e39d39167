import Foundation
import Postgres
import Testing

@Suite("Decoding result text")
struct PostgresDecodingTests {
    @Test func integers() throws {
        #expect(try Int(postgresText: "-42") == -42)
        #expect(try Int64(postgresText: "9223372036854775807") == Int64.max)
        #expect(try Int32(postgresText: "-2147483648") == Int32.min)
        #expect(throws: PostgresError.self) { try Int32(postgresText: "2147483648") }
        #expect(throws: PostgresError.self) { try Int(postgresText: "4.5") }
        #expect(throws: PostgresError.self) { try Int(postgresText: "") }
    }

    @Test func booleans() throws {
        #expect(try Bool(postgresText: "t"))
        #expect(try !Bool(postgresText: "f"))
        #expect(throws: PostgresError.self) { try Bool(postgresText: "yes") }
    }

    @Test func doubles() throws {
        #expect(try Double(postgresText: "3.141592653589793") == 3.141592653589793)
        #expect(try Double(postgresText: "1e-300") == 1e-300)
        #expect(try Double(postgresText: "-Infinity") == -.infinity)
        #expect(try Double(postgresText: "NaN").isNaN)
        #expect(throws: PostgresError.self) { try Double(postgresText: "pi") }
    }

    @Test func uuids() throws {
        let text = "c8f0a8a2-5b1e-4c7e-9f3a-2d6b8e1f0a11"
        #expect(try UUID(postgresText: text) == UUID(uuidString: text))
        #expect(throws: PostgresError.self) { try UUID(postgresText: "c8f0") }
    }

    @Test func byteaHex() throws {
        #expect(try [UInt8](postgresText: "\\x00ff7fAb") == [0x00, 0xFF, 0x7F, 0xAB])
        #expect(try [UInt8](postgresText: "\\x") == [])
        #expect(throws: PostgresError.self) { try [UInt8](postgresText: "\\x0") }
        #expect(throws: PostgresError.self) { try [UInt8](postgresText: "\\xzz") }
        #expect(throws: PostgresError.self) { try [UInt8](postgresText: "\\000") }
    }

    @Test func timestamptzOutputInUTC() throws {
        let date = try Date(postgresText: "2026-05-29 06:15:00.123456+00")
        #expect(abs(date.timeIntervalSince1970 - 1_780_035_300.123456) < 1e-6)
        #expect(try Date(postgresText: "2026-05-29 06:15:00+00").timeIntervalSince1970 == 1_780_035_300)
    }

    @Test func timestampsWithOffsetsAndVariants() throws {
        let utc = 1_780_035_300.0
        #expect(try Date(postgresText: "2026-05-29 10:15:00+04").timeIntervalSince1970 == utc)
        #expect(try Date(postgresText: "2026-05-29 11:45:00+05:30").timeIntervalSince1970 == utc)
        #expect(try Date(postgresText: "2026-05-29 02:45:00-03:30").timeIntervalSince1970 == utc)
        #expect(try Date(postgresText: "2026-05-29T06:15:00Z").timeIntervalSince1970 == utc)
        #expect(try Date(postgresText: "2026-05-29 06:15:00").timeIntervalSince1970 == utc)
        #expect(try Date(postgresText: "2026-05-29").timeIntervalSince1970 == utc - 6 * 3600 - 15 * 60)
        #expect(try Date(postgresText: "1969-12-31 23:59:59.5+00").timeIntervalSince1970 == -0.5)
        #expect(try Date(postgresText: "2000-02-29 00:00:00+00").timeIntervalSince1970 == 951_782_400)
        #expect(try Date(postgresText: "infinity") == .distantFuture)
        #expect(try Date(postgresText: "-infinity") == .distantPast)
    }

    @Test(arguments: ["", "yesterday", "2026-13-01", "2026-05-29 06:15", "2026-05-29 06:15:00 BC", "26-05-29"])
    func malformedTimestampsAreRefused(text: String) {
        #expect(throws: PostgresError.self) { try Date(postgresText: text) }
    }
}

@Suite("Encoding parameters")
struct PostgresEncodingTests {
    @Test func literalsAndOptionals() {
        let text: PostgresValue = "Əli"
        let number: PostgresValue = 7
        let flag: PostgresValue = true
        let ratio: PostgresValue = 0.5
        #expect(text == .text("Əli"))
        #expect(number == .int(7))
        #expect(flag == .bool(true))
        #expect(ratio == .double(0.5))
        let missingPhone: String? = nil
        #expect(PostgresValue(missingPhone) == .null)
        #expect(PostgresValue(Optional(42)) == .int(42))
        #expect(PostgresValue(Optional([UInt8]([1, 2]))) == .bytes([1, 2]))
    }
}

@Suite("Rows and cells")
struct PostgresCellTests {
    @Test func unknownColumnIsReportedByName() async throws {
        let rows = try await TestDatabase.withPool { pool in
            try await pool.withConnection { try $0.query("SELECT 1 AS one, NULL::text AS nothing") }
        }
        let row = try #require(rows.first)
        #expect(rows.columns == ["one", "nothing"])
        #expect(row.columns == ["one", "nothing"])
        #expect(try row["one"].decode(Int.self) == 1)
        #expect(try row[0].decode(Int.self) == 1)
        #expect(row["nothing"].isNull)
        #expect(try row["nothing"].decodeIfPresent(String.self) == nil)
        let nullError = #expect(throws: PostgresError.self) { try row["nothing"].decode(String.self) }
        #expect(nullError?.kind == .decoding)
        #expect(nullError?.description.contains("nothing") == true)
        let missing = #expect(throws: PostgresError.self) { try row["absent"].decodeIfPresent(Int.self) }
        #expect(missing?.description.contains("absent") == true)
        #expect(throws: PostgresError.self) { try row[5].decode(Int.self) }
        let badType = #expect(throws: PostgresError.self) { try row["one"].decode(UUID.self) }
        #expect(badType?.description.contains("one") == true)
    }
}

@Suite("Identifiers and errors")
struct PostgresIdentifierTests {
    @Test func schemaNames() {
        #expect(PostgresIdentifier.isValidSchemaName("intake"))
        #expect(PostgresIdentifier.isValidSchemaName("_referral_2"))
        #expect(!PostgresIdentifier.isValidSchemaName("Intake"))
        #expect(!PostgresIdentifier.isValidSchemaName("2intake"))
        #expect(!PostgresIdentifier.isValidSchemaName("in-take"))
        #expect(!PostgresIdentifier.isValidSchemaName("intake\"; DROP SCHEMA x; --"))
        #expect(!PostgresIdentifier.isValidSchemaName(""))
        #expect(!PostgresIdentifier.isValidSchemaName(String(repeating: "a", count: 64)))
        #expect(PostgresIdentifier.quoted("we\"ird") == "\"we\"\"ird\"")
        #expect(PostgresIdentifier.quoted("a\"\u{301}b") == "\"a\"\"\u{301}b\"")
    }

    @Test func errorDescriptionsAreRedacted() {
        let error = PostgresError(
            kind: .server,
            sqlState: "22P02",
            context: "query",
            message: "invalid input syntax for type integer: \"Məmmədov\""
        )
        #expect(error.description == "Postgres server error (SQLSTATE 22P02) in query")
        #expect(!error.description.contains("Məmmədov"))
        #expect(error.debugDescription.contains("invalid input syntax"))
        #expect(!error.isRetryable)
    }

    @Test func classification() {
        #expect(PostgresError(kind: .server, sqlState: "23505", context: "x").isUniqueViolation)
        #expect(PostgresError(kind: .server, sqlState: "40001", context: "x").isRetryable)
        #expect(PostgresError(kind: .server, sqlState: "40P01", context: "x").isRetryable)
        #expect(PostgresError(kind: .server, sqlState: "08006", context: "x").isConnectionLoss)
        #expect(PostgresError(kind: .server, sqlState: "57P01", context: "x").isConnectionLoss)
        #expect(PostgresError(kind: .connection, context: "x").isConnectionLoss)
        #expect(!PostgresError(kind: .server, sqlState: "23505", context: "x").isRetryable)
    }
}

import Contract
import Foundation
import IntakeDomain
import Postgres

/// The intake schema's reads and writes, all inside the consumer's transaction.
struct CaseStore: Sendable {
    let schema: String

    private var people: String { "\(PostgresIdentifier.quoted(schema)).people" }
    private var cases: String { "\(PostgresIdentifier.quoted(schema)).cases" }
    private var refusals: String { "\(PostgresIdentifier.quoted(schema)).refusals" }
    private var consentUpdates: String { "\(PostgresIdentifier.quoted(schema)).consent_updates" }

    struct ExistingCase: Sendable {
        var caseId: UUID
        var canonicalContent: String
        var awaitingConsent: Bool
        /// The SMS system that registered the record; nil for records registered under v1.
        var registeredBy: String?
    }

    func existingCase(smsReference: String, on connection: PostgresConnection) throws -> ExistingCase? {
        let rows = try connection.query(
            "SELECT id, canonical_content, consent_status, registered_by FROM \(cases) WHERE sms_reference = $1 FOR UPDATE",
            [.text(smsReference)])
        guard let row = rows.first else { return nil }
        return ExistingCase(
            caseId: try row["id"].decode(), canonicalContent: try row["canonical_content"].decode(),
            awaitingConsent: try row["consent_status"].decode(String.self) == "awaiting",
            registeredBy: try row["registered_by"].decodeIfPresent())
    }

    /// The person with this FIN, created when new; a person without a FIN is always new.
    func person(personalId: String?, on connection: PostgresConnection) throws -> UUID {
        guard let personalId else {
            let id = UUID()
            try connection.execute("INSERT INTO \(people) (id) VALUES ($1)", [.uuid(id)])
            return id
        }
        // The no-op update makes RETURNING yield the existing row too.
        let rows = try connection.query("""
            INSERT INTO \(people) (id, personal_id) VALUES ($1, $2)
            ON CONFLICT (personal_id) DO UPDATE SET personal_id = EXCLUDED.personal_id
            RETURNING id
            """, [.uuid(UUID()), .text(personalId)])
        return try rows[0]["id"].decode()
    }

    /// Opens the case; false when another instance opened one for this reference first.
    func openCase(
        id: UUID, personId: UUID, record: ValidatedReadmission, sender: MessageSender, messageId: String, rawRecord: [UInt8],
        openedAt: Date, on connection: PostgresConnection
    ) throws -> Bool {
        try connection.execute("""
            INSERT INTO \(cases) \(Self.caseColumnNames)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::text[], $10, $11, $12, $13)
            ON CONFLICT (sms_reference) DO NOTHING
            """, Self.caseColumns(
                id: id, personId: personId, record: record, sender: sender, messageId: messageId, rawRecord: rawRecord, openedAt: openedAt)
        ) == 1
    }

    /// Those of `references` that already have a case, locked like `existingCase` locks one.
    func existingReferences(_ references: [String], on connection: PostgresConnection) throws -> [String] {
        try connection.query(
            "SELECT sms_reference FROM \(cases) WHERE sms_reference = ANY($1::text[]) FOR UPDATE",
            [.text(PostgresArrayLiteral.text(references))]
        ).map { try $0["sms_reference"].decode() }
    }

    /// The person of each FIN (created when new, one person per FIN however often it
    /// comes), and a new person for each nil, in one statement.
    func people(personalIds: [String?], on connection: PostgresConnection) throws -> [UUID] {
        var ids = personalIds.map { _ in UUID() }
        var firstIndex: [String: Int] = [:]
        var rowIds: [String] = []
        var rowFINs: [String?] = []
        for (index, personalId) in personalIds.enumerated() {
            if let personalId {
                guard firstIndex[personalId] == nil else { continue }
                firstIndex[personalId] = index
            }
            rowIds.append(ids[index].uuidString.lowercased())
            rowFINs.append(personalId)
        }
        // The no-op update makes RETURNING yield the existing rows too.
        let rows = try connection.query("""
            INSERT INTO \(people) (id, personal_id)
            SELECT * FROM unnest($1::uuid[], $2::text[])
            ON CONFLICT (personal_id) DO UPDATE SET personal_id = EXCLUDED.personal_id
            RETURNING id, personal_id
            """, [.text(PostgresArrayLiteral.text(rowIds)), .text(PostgresArrayLiteral.text(rowFINs))])
        var byFIN: [String: UUID] = [:]
        for row in rows {
            if let personalId: String = try row["personal_id"].decodeIfPresent() { byFIN[personalId] = try row["id"].decode() }
        }
        for (index, personalId) in personalIds.enumerated() {
            if let personalId, let id = byFIN[personalId] { ids[index] = id }
        }
        return ids
    }

    /// A case to open with `openCases`.
    struct NewCase {
        var id: UUID
        var personId: UUID
        var record: ValidatedReadmission
        var sender: MessageSender
        var messageId: String
        var rawRecord: [UInt8]
    }

    /// Opens the cases in one statement; returns how many were opened (fewer when another
    /// instance opened one for the same reference first).
    func openCases(_ newCases: [NewCase], openedAt: Date, on connection: PostgresConnection) throws -> Int {
        guard !newCases.isEmpty else { return 0 }
        var rows: [String] = []
        var parameters: [PostgresValue] = []
        for newCase in newCases {
            let base = parameters.count
            rows.append("(" + (1...13).map { "$\(base + $0)" + ($0 == 9 ? "::text[]" : "") }.joined(separator: ", ") + ")")
            parameters += Self.caseColumns(
                id: newCase.id, personId: newCase.personId, record: newCase.record, sender: newCase.sender, messageId: newCase.messageId,
                rawRecord: newCase.rawRecord, openedAt: openedAt)
        }
        return try connection.execute("""
            INSERT INTO \(cases) \(Self.caseColumnNames)
            VALUES \(rows.joined(separator: ", "))
            ON CONFLICT (sms_reference) DO NOTHING
            """, parameters)
    }

    private static let caseColumnNames = """
        (id, person_id, sms_reference, message_id, raw_record, canonical_content, readmitted_at,
         district, needs, consent_status, consent_recorded_at, opened_at, registered_by)
        """

    /// A case row's values, in the order of `caseColumnNames`.
    private static func caseColumns(
        id: UUID, personId: UUID, record: ValidatedReadmission, sender: MessageSender, messageId: String, rawRecord: [UInt8], openedAt: Date
    ) -> [PostgresValue] {
        [
            .uuid(id), .uuid(personId), .text(record.smsReference), .text(messageId), .bytes(rawRecord),
            .text(record.canonicalContent), .timestamp(record.readmittedAt), .text(record.person.district),
            .text("{" + record.needs.joined(separator: ",") + "}"), .text(record.dataSharing ? "given" : "awaiting"),
            record.consentRecordedAt.map(PostgresValue.timestamp) ?? .null, .timestamp(openedAt), .text(sender.account),
        ]
    }

    func recordRefusal(
        _ refusal: IntakeRefusal, messageId: String?, messageType: String?, sender: String?, on connection: PostgresConnection
    ) throws {
        let problems = String(decoding: try JSONEncoder().encode(refusal.problems), as: UTF8.self)
        try connection.execute("""
            INSERT INTO \(refusals) (message_id, message_type, sms_reference, reason, detail, problems, sender)
            VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7)
            """, [
                PostgresValue(messageId), PostgresValue(messageType), PostgresValue(refusal.smsReference),
                .text(refusal.reason.rawValue), .text(refusal.detail), .json(problems), PostgresValue(sender),
            ])
    }

    func recordConsent(
        _ update: ConsentUpdate, caseId: UUID, sender: MessageSender, messageId: String?, on connection: PostgresConnection
    ) throws {
        try connection.execute("""
            INSERT INTO \(consentUpdates) (case_id, message_id, data_sharing, recorded_at, sender) VALUES ($1, $2, $3, $4, $5)
            """, [
                .uuid(caseId), PostgresValue(messageId), .bool(update.dataSharing),
                update.recordedAt.map(PostgresValue.timestamp) ?? .null, .text(sender.account),
            ])
    }

    func releaseConsent(caseId: UUID, recordedAt: Date?, on connection: PostgresConnection) throws {
        try connection.execute(
            "UPDATE \(cases) SET consent_status = 'given', consent_recorded_at = $2 WHERE id = $1",
            [.uuid(caseId), recordedAt.map(PostgresValue.timestamp) ?? .timestamp(Date())])
    }
}

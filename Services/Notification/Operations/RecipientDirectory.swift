import Foundation
import NotificationDomain
import Postgres

/// The notification directory (`<schema>.recipients`, the people alerts go to) as the
/// operators' tool changes it, on a connection inside the caller's transaction. Every
/// entry is checked with the service's own rules (`DirectoryValidation`) before it is
/// stored, so the tool cannot store what the service would refuse.
public struct RecipientDirectory {
    private let table: String
    private let connection: PostgresConnection

    /// - Throws: `DirectoryEntryError` when `schema` is not a valid schema name.
    public init(schema: String, connection: PostgresConnection) throws(DirectoryEntryError) {
        guard PostgresIdentifier.isValidSchemaName(schema) else {
            throw DirectoryEntryError(field: "schema", problem: "is not a valid schema name")
        }
        table = "\(PostgresIdentifier.quoted(schema)).recipients"
        self.connection = connection
    }

    /// Stores a new entry after checking it.
    public func add(_ recipient: Recipient) throws {
        try DirectoryValidation.validate(recipient)
        try connection.execute("""
            INSERT INTO \(table) (id, name, role, agencies, email, webhook_url, webhook_secret, language, active)
            VALUES ($1, $2, $3, $4::text[], $5, $6, $7, $8, $9)
            """, parameters(recipient))
    }

    /// Replaces an entry's fields after checking them.
    public func update(_ recipient: Recipient) throws {
        try DirectoryValidation.validate(recipient)
        try connection.execute("""
            UPDATE \(table) SET name = $2, role = $3, agencies = $4::text[], email = $5, webhook_url = $6,
                webhook_secret = $7, language = $8, active = $9, updated_at = now()
            WHERE id = $1
            """, parameters(recipient))
    }

    /// Stops alerting a person (the service cancels what is pending for them); an entry
    /// stored before a rule tightened can still be deactivated.
    public func deactivate(id: UUID) throws {
        try connection.execute("UPDATE \(table) SET active = false, updated_at = now() WHERE id = $1", [.uuid(id)])
    }

    /// The entry with this id, or with this email (any case).
    public func find(_ key: String) throws -> Recipient? {
        let rows = try UUID(uuidString: key).map { id in
            try connection.query("\(select) WHERE id = $1", [.uuid(id)])
        } ?? connection.query("\(select) WHERE lower(email) = lower($1)", [.text(key)])
        return try rows.first.map(recipient)
    }

    /// Active entries (or all), by role then email.
    public func list(includingInactive: Bool) throws -> [Recipient] {
        try connection.query("\(select) \(includingInactive ? "" : "WHERE active") ORDER BY role, email").map(recipient)
    }

    private var select: String {
        "SELECT id, name, role, array_to_json(agencies)::text AS agencies, email, webhook_url, webhook_secret, language, active FROM \(table)"
    }

    private func parameters(_ recipient: Recipient) -> [PostgresValue] {
        [
            .uuid(recipient.id), .text(recipient.name), .text(recipient.role.rawValue),
            .text("{" + recipient.agencies.joined(separator: ",") + "}"), .text(recipient.email),
            PostgresValue(recipient.webhookURL), PostgresValue(recipient.webhookSecret), .text(recipient.language.rawValue),
            .bool(recipient.active),
        ]
    }

    private func recipient(_ row: PostgresRow) throws -> Recipient {
        let role: String = try row["role"].decode()
        let language: String = try row["language"].decode()
        // The table's CHECK constraints admit only known roles and languages.
        return Recipient(
            id: try row["id"].decode(), name: try row["name"].decode(),
            role: RecipientRole(rawValue: role) ?? .operator,
            agencies: try JSONDecoder().decode([String].self, from: Data(try row["agencies"].decode(String.self).utf8)),
            email: try row["email"].decode(), webhookURL: try row["webhook_url"].decodeIfPresent(),
            webhookSecret: try row["webhook_secret"].decodeIfPresent(), language: AlertLanguage(rawValue: language) ?? .az,
            active: try row["active"].decode())
    }
}

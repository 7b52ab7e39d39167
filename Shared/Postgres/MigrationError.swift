/// Why a `Migrator` refused to run. Names and versions are schema metadata, never data.
public enum MigrationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The schema name is not `[a-z_][a-z0-9_]*` (at most 63 bytes).
    case invalidSchemaName
    /// Two migrations share a version, or a version is not positive.
    case invalidVersion(schema: String, version: Int)
    /// The database records a version this binary does not know: it was migrated by a newer
    /// release, and running older code against it is unsafe.
    case unknownAppliedVersion(schema: String, version: Int, name: String)
    /// A version's recorded name differs from this binary's: the histories diverged.
    case nameMismatch(schema: String, version: Int, expected: String, recorded: String)

    /// Names the schema, version and migration names involved.
    public var description: String {
        switch self {
        case .invalidSchemaName:
            "Migration refused: the schema name must match [a-z_][a-z0-9_]* and have at most 63 bytes"
        case .invalidVersion(let schema, let version):
            "Migration refused for schema \(schema): version \(version) is duplicated or not positive"
        case .unknownAppliedVersion(let schema, let version, let name):
            "Migration refused for schema \(schema): the database has version \(version) (\(name)) that this release does not know"
        case .nameMismatch(let schema, let version, let expected, let recorded):
            "Migration refused for schema \(schema): version \(version) is recorded as \(recorded) but this release calls it \(expected)"
        }
    }
}

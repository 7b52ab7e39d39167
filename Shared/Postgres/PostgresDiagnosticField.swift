/// Field codes for `PQresultErrorField`. libpq defines them as character-literal macros
/// (`PG_DIAG_SQLSTATE 'C'`…), which Swift does not import.
enum PostgresDiagnosticField {
    static let severityNonLocalized = Int32(UInt8(ascii: "V"))
    static let sqlState = Int32(UInt8(ascii: "C"))
    static let primaryMessage = Int32(UInt8(ascii: "M"))
}

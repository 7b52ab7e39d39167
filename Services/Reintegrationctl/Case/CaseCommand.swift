import ArgumentParser
import Foundation

/// `reintegrationctl case …`: look a case up the way an operator is asked about it.
struct CaseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "case",
        abstract: "Look up cases.",
        subcommands: [Show.self]
    )

    /// `reintegrationctl case show`: one case (or every case of one person) with its referrals and timeline.
    ///
    /// Exit codes: 0 found; 64 wrong usage; 66 no such case; 69 the database cannot be
    /// reached or lacks the services' tables; 1 otherwise.
    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a case: its referrals with status and deadlines, and one timeline of status changes, escalations and alert deliveries.",
            discussion: """
                Give exactly one of --case-id, --sms-reference or --personal-id. A FIN finds every case of that person. \
                The person appears by initials only: the FIN, birth date, phone, needs and notes are never printed. \
                Alert recipients appear by directory id and role (see `reintegrationctl directory list`).

                Exit codes: 0 found; 64 wrong usage; 66 no such case; 69 database unavailable; 1 otherwise.
                """
        )

        @OptionGroup var database: OperatorDatabaseOptions

        @Option(help: "The case id (UUID).")
        var caseId: String?

        @Option(help: "The SMS reference of the readmission record.")
        var smsReference: String?

        @Option(help: "The person's FIN (7 of 0-9 A-Z); `-` reads it from standard input, keeping it out of shell history.")
        var personalId: String?

        @Flag(help: "Machine-readable JSON instead of text.")
        var json = false

        func validate() throws {
            let given = [caseId, smsReference, personalId].compactMap { $0 }
            guard given.count == 1 else { throw ValidationError("give exactly one of --case-id, --sms-reference or --personal-id") }
            if let caseId, UUID(uuidString: caseId) == nil { throw ValidationError("--case-id must be a UUID") }
            if let smsReference, smsReference.isEmpty || smsReference.count > 64 {
                throw ValidationError("--sms-reference must be 1–64 characters")
            }
        }

        func run() async throws {
            let key = try lookupKey()
            let dossiers = try await database.read { connection in
                let found = try CaseDossierSource(connection: connection).dossiers(for: key)
                guard !found.isEmpty else {
                    throw CommandFailure(notFound: "no case with that \(key.noun): check it, or whether intake refused the record (intake.rejected)")
                }
                return found
            }
            if json {
                struct Document: Encodable { var cases: [CaseDossier] }
                let data = try OperatorTime.jsonEncoder().encode(Document(cases: dossiers))
                FileHandle.standardOutput.write(data + Data("\n".utf8))
            } else {
                print(CaseDossierRenderer.render(dossiers), terminator: "")
            }
        }

        private func lookupKey() throws -> CaseLookupKey {
            if let caseId, let id = UUID(uuidString: caseId) { return .caseId(id) }
            if let smsReference { return .smsReference(smsReference) }
            var fin = personalId ?? ""
            if fin == "-" { fin = readLine(strippingNewline: true) ?? "" }
            fin = fin.trimmingCharacters(in: .whitespaces).uppercased()
            // The message describes the rule and never repeats what was typed.
            guard fin.utf8.count == 7, fin.utf8.allSatisfy({ (48...57).contains($0) || (65...90).contains($0) }) else {
                throw ValidationError("--personal-id must be a FIN: exactly 7 of 0-9 A-Z")
            }
            return .personalId(fin)
        }
    }
}

import NotificationDomain
import Testing

@Suite("Directory entries are validated")
struct DirectoryValidationTests {
    @Test(arguments: ["a@example.az", "first.last+tag@mail.gov.az", "ops@localhost"])
    func acceptsAddresses(_ email: String) throws {
        try DirectoryValidation.validateEmail(email)
    }

    @Test(arguments: ["", "no-at.example.az", "a@@example.az", "a b@example.az", "a@example", "a@-bad.az", "<a@example.az>", "a@example.az\n"])
    func refusesAddresses(_ email: String) {
        #expect(throws: DirectoryEntryError.self) { try DirectoryValidation.validateEmail(email) }
    }

    @Test(arguments: ["https://hooks.example.az/x", "http://127.0.0.1:8080/hook", "http://localhost/hook"])
    func acceptsWebhooks(_ url: String) throws {
        try DirectoryValidation.validateWebhookURL(url)
    }

    @Test(arguments: ["http://hooks.example.az/x", "ftp://example.az", "https://user:pw@example.az/x", "not a url", "http://127.0.0.2/x"])
    func refusesWebhooks(_ url: String) {
        #expect(throws: DirectoryEntryError.self) { try DirectoryValidation.validateWebhookURL(url) }
    }

    @Test func errorsNameTheFieldNotTheValue() {
        do {
            try DirectoryValidation.validateEmail("secret-person@")
            Issue.record("should have thrown")
        } catch {
            #expect(!error.description.contains("secret-person"))
            #expect(error.field == "email")
        }
    }

    @Test func focalPointsNeedAnAgencyAndWebhooksASecret() {
        #expect(throws: DirectoryEntryError.self) {
            try DirectoryValidation.validate(Recipient(name: "X", role: .focalPoint, email: "x@example.az"))
        }
        #expect(throws: DirectoryEntryError.self) {
            try DirectoryValidation.validate(
                Recipient(name: "X", role: .chair, email: "x@example.az", webhookURL: "https://h.example.az/x"))
        }
        #expect(throws: Never.self) {
            try DirectoryValidation.validate(
                Recipient(name: "X", role: .chair, email: "x@example.az", webhookURL: "https://h.example.az/x",
                          webhookSecret: NotificationFixtures.webhookSecret))
        }
    }
}

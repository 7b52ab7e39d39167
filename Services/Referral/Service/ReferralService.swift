import Contract
import ReferralDomain
import ReferralOperations
import ServiceKit
import WorkingCalendar

/// How the referral service is assembled. The routing policy comes from
/// `REFERRAL_POLICY_FILE` and the public holidays from `WORKING_CALENDAR_FILE`, both
/// optional (the contract's defaults), both validated at start, the policy against the
/// district catalogue intake accepts records for (`DISTRICTS_FILE`).
enum ReferralService {
    static func configuration(_ environment: EnvironmentReader) throws -> ReferralConfiguration {
        let policy = try ConfigurationFile.contents(of: "REFERRAL_POLICY_FILE", in: environment)
            .map { bytes in try ReferralPolicy.load(json: bytes) } ?? .default
        let catalog = try ConfigurationFile.districtCatalog(in: environment)
        // A district intake accepts but no authority serves would leave its cases without
        // the referral every case gets: refuse to start, naming the district.
        if let orphan = catalog.codes.first(where: { !policy.districts.contains($0) }) {
            throw ConfigurationError(
                variable: "REFERRAL_POLICY_FILE",
                problem: .unsafe("district \(orphan) of the district catalogue has no district authority (no agency queue): add it to the policy's districts or remove it from DISTRICTS_FILE"))
        }
        let calendar = try ConfigurationFile.workingCalendar(in: environment)
        return ReferralConfiguration(policy: policy, calendar: calendar)
    }

    static let definition = ClusterServiceDefinition(
        name: "referral",
        schema: "referral",
        defaultHTTPPort: 8082,
        migrations: ReferralMigrations.all,
        configure: configuration,
        topology: { settings, configuration in
            ClusterTopology.referral(agencies: configuration.policy.agencyCodes, deliveryLimit: settings.deliveryLimit)
        },
        consumers: { context, configuration in
            let (policy, calendar) = (configuration.policy, configuration.calendar)
            let store = ReferralStore(schema: "referral")
            return [
                ConsumerDefinition(
                    queue: QueueName.referralCaseEvents,
                    handler: CaseEventHandler(policy: policy, calendar: calendar, store: store, outbox: context.outbox, logger: context.logger)),
                ConsumerDefinition(
                    queue: QueueName.referralStatusUpdates,
                    handler: StatusUpdateHandler(
                        store: store, outbox: context.outbox, logger: context.logger,
                        extensionRequests: ExtensionRequestHandler(
                            store: ExtensionRequestStore(schema: "referral", calendar: calendar), outbox: context.outbox,
                            logger: context.logger))),
            ]
        }
    )
}

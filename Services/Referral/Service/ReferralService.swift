import Contract
import ReferralDomain
import ServiceKit
import WorkingCalendar

/// How the referral service is assembled. The routing policy comes from
/// `REFERRAL_POLICY_FILE` and the public holidays from `WORKING_CALENDAR_FILE`, both
/// optional (the contract's defaults), both validated at start.
enum ReferralService {
    static func configuration(_ environment: EnvironmentReader) throws -> (ReferralPolicy, WorkingCalendar) {
        let policy = try ConfigurationFile.contents(of: "REFERRAL_POLICY_FILE", in: environment)
            .map { bytes in try ReferralPolicy.load(json: bytes) } ?? .default
        let calendar = try ConfigurationFile.workingCalendar(in: environment)
        return (policy, calendar)
    }

    static let definition = ClusterServiceDefinition(
        name: "referral",
        schema: "referral",
        defaultHTTPPort: 8082,
        migrations: ReferralMigrations.all,
        configure: configuration,
        topology: { settings, configuration in
            ClusterTopology.referral(agencies: configuration.0.agencyCodes, deliveryLimit: settings.deliveryLimit)
        },
        consumers: { context, configuration in
            let (policy, calendar) = configuration
            let store = ReferralStore(schema: "referral")
            return [
                ConsumerDefinition(
                    queue: QueueName.referralCaseEvents,
                    handler: CaseEventHandler(policy: policy, calendar: calendar, store: store, outbox: context.outbox, logger: context.logger)),
                ConsumerDefinition(
                    queue: QueueName.referralStatusUpdates,
                    handler: StatusUpdateHandler(store: store, outbox: context.outbox, logger: context.logger)),
            ]
        }
    )
}

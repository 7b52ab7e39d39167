import Contract

/// Turns a request's audiences into the active people and channels to deliver to.
public enum AudienceResolver {
    /// The targets for `request` among `directory`, each person once per channel, in
    /// directory order. Focal points and working-group members count only for the
    /// request's agency; a request without an agency reaches none of them.
    public static func targets(for request: NotificationRequest, in directory: [Recipient]) -> [DeliveryTarget] {
        let audiences = Set(request.audiences)
        var seen = Set<DeliveryTarget>()
        var targets: [DeliveryTarget] = []
        for recipient in directory where recipient.active && isAddressed(recipient, audiences: audiences, agency: request.agency) {
            for channel in recipient.channels {
                let target = DeliveryTarget(recipientId: recipient.id, channel: channel)
                if seen.insert(target).inserted { targets.append(target) }
            }
        }
        return targets
    }

    /// The roles `audiences` address: those reached whatever their agency, and those
    /// reached only for the request's agency (to read just those people from the directory).
    public static func roles(for audiences: [NotificationRequest.Audience]) -> (anyAgency: [RecipientRole], ofAgency: [RecipientRole]) {
        var anyAgency: [RecipientRole] = []
        var ofAgency: [RecipientRole] = []
        for audience in Set(audiences).sorted(by: { $0.rawValue < $1.rawValue }) {
            switch audience {
            case .focalPoints: ofAgency.append(.focalPoint)
            case .workingGroupMembers: ofAgency.append(.workingGroupMember)
            case .chair: anyAgency.append(.chair)
            case .secretariat: anyAgency.append(.secretariat)
            case .operators: anyAgency.append(.operator)
            }
        }
        return (anyAgency, ofAgency)
    }

    private static func isAddressed(_ recipient: Recipient, audiences: Set<NotificationRequest.Audience>, agency: String?) -> Bool {
        switch recipient.role {
        case .focalPoint:
            return audiences.contains(.focalPoints) && agency.map(recipient.agencies.contains) == true
        case .workingGroupMember:
            return audiences.contains(.workingGroupMembers) && agency.map(recipient.agencies.contains) == true
        case .chair:
            return audiences.contains(.chair)
        case .secretariat:
            return audiences.contains(.secretariat)
        case .operator:
            return audiences.contains(.operators)
        }
    }
}

import NotificationDomain

/// What the notification service reads once at start: its settings and the alert templates.
struct NotificationConfiguration: Sendable {
    var settings: NotificationSettings
    var templates: AlertTemplates
}

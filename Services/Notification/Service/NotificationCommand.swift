@main
struct NotificationCommand {
    static func main() {}
}

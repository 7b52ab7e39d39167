@main
struct EscalationCommand {
    static func main() {}
}

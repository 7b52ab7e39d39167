@main
struct IntakeCommand {
    static func main() {}
}

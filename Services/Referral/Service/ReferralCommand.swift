@main
struct ReferralCommand {
    static func main() {}
}

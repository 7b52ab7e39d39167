@main
struct ReintegrationctlCommand {
    static func main() {}
}

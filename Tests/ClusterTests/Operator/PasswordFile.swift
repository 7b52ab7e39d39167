import Foundation
import Testing

/// An account's URL split as the operator tool takes it on a command line: the URL
/// without its password, and the password in a file of mode 600.
struct PasswordFile {
    let url: String
    let path: String

    init(url withPassword: String) throws {
        var components = try #require(URLComponents(string: withPassword))
        let password = try #require(components.password)
        components.password = nil
        url = try #require(components.string)
        path = FileManager.default.temporaryDirectory.appendingPathComponent("password-\(UUID().uuidString)").path
        _ = FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600])
        try Data((password.removingPercentEncoding ?? password).utf8).write(to: URL(fileURLWithPath: path))
    }

    func arguments(url urlOption: String, file fileOption: String) -> [String] {
        [urlOption, url, fileOption, path]
    }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

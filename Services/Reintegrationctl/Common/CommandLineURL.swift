import Foundation

/// A URL given as a command-line option. It must not carry a password: every user of the
/// machine can read a command line (`ps`, `/proc`). A password comes from a file
/// (`--…password-file`, mode 600), from a URL in the environment, or for PostgreSQL from
/// `PGPASSWORD` / a `.pgpass` file, which libpq reads itself.
enum CommandLineURL {
    /// `given` checked to hold no password, with the first line of `passwordFile` added as
    /// its password when given; nil when `given` is nil.
    static func checked(_ given: String?, option: String, passwordFile: String? = nil, passwordFileOption: String? = nil)
        throws(CommandFailure) -> String?
    {
        guard let given else {
            if passwordFile != nil, let passwordFileOption {
                throw CommandFailure(usage: "\(passwordFileOption) goes with \(option)")
            }
            return nil
        }
        guard var components = URLComponents(string: given), components.scheme != nil else {
            throw CommandFailure(usage: "\(option) is not a URL")
        }
        if let password = components.password, !password.isEmpty {
            let instead = passwordFileOption.map { "put the password in a file of mode 600 named by \($0)" }
                ?? "give the URL with its password in the environment variable the help names"
            throw CommandFailure(usage: "\(option) must not contain a password (other users of this machine can read a command line): \(instead)")
        }
        guard let passwordFile else { return given }
        let password = try Self.password(in: passwordFile, option: passwordFileOption ?? "--password-file")
        components.percentEncodedPassword = password.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? password
        guard components.user != nil, let url = components.string else {
            throw CommandFailure(usage: "\(option) needs a user name for the password of \(passwordFileOption ?? "--password-file")")
        }
        return url
    }

    /// The first line of a password file, which must not be readable by others.
    static func password(in path: String, option: String) throws(CommandFailure) -> String {
        var status = stat()
        guard stat(path, &status) == 0, let data = FileManager.default.contents(atPath: path) else {
            throw CommandFailure(usage: "\(option) cannot be read")
        }
        guard status.st_mode & 0o077 == 0 else {
            throw CommandFailure(usage: "\(option) is readable by other users: chmod 600 it")
        }
        let password = String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        guard !password.isEmpty else { throw CommandFailure(usage: "\(option) is empty") }
        return password
    }
}

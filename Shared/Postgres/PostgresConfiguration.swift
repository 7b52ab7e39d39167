import Foundation

/// Where and how to connect to PostgreSQL.
///
/// The password is kept out of `description`, so a configuration can be logged safely.
public struct PostgresConfiguration: Sendable, CustomStringConvertible {
    /// One server to try.
    public struct Endpoint: Sendable, Equatable {
        /// Host name, IP address, or the directory of a Unix-domain socket.
        public var host: String
        /// TCP port (also selects the socket file when `host` is a directory).
        public var port: Int

        public init(host: String, port: Int = 5432) {
            self.host = host
            self.port = port
        }

        /// This machine: a loopback address, `localhost`, or a socket directory.
        var isLocal: Bool {
            host == "localhost" || host == "::1" || host.hasPrefix("127.") || host.hasPrefix("/")
        }
    }

    /// libpq's `sslmode`, weakest first.
    public enum SSLMode: String, Sendable, CaseIterable {
        case disable, allow, prefer, require
        case verifyCA = "verify-ca"
        case verifyFull = "verify-full"
    }

    /// The servers, tried in order (libpq's multi-host connection strings); with
    /// `targetSessionAttributes` `read-write` the first that accepts writes is used, so a
    /// standby that was promoted is found after a failover.
    public var endpoints: [Endpoint]
    /// The first server's host.
    public var host: String {
        get { endpoints[0].host }
        set { endpoints[0].host = newValue }
    }
    /// The first server's port.
    public var port: Int {
        get { endpoints[0].port }
        set { endpoints[0].port = newValue }
    }
    /// `sslmode`; nil leaves libpq's default (`prefer`).
    public var sslMode: SSLMode?
    /// `sslrootcert`: the authority that signs the servers' certificates.
    public var sslRootCertificate: String?
    /// `sslcert` and `sslkey`: a client certificate and its key, when the server asks for one.
    public var sslCertificate: String?
    public var sslKey: String?
    /// `target_session_attrs`: `any`, `read-write`, `read-only`, `primary`, `standby` or
    /// `prefer-standby`; nil means `read-write` with several servers, `any` with one.
    public var targetSessionAttributes: String?
    /// The role to log in as.
    public var user: String
    /// The role's password; empty when the server needs none.
    public var password: String
    /// The database to connect to.
    public var database: String
    /// Shown in `pg_stat_activity`, which makes a service's sessions easy to find.
    public var applicationName: String
    /// How long to wait for a connection to be established, in whole seconds (libpq
    /// treats values below 2 s as 2 s).
    public var connectTimeout: Duration

    /// Creates a configuration from its parts.
    public init(
        host: String,
        port: Int = 5432,
        user: String,
        password: String,
        database: String,
        applicationName: String = "reintegration",
        connectTimeout: Duration = .seconds(10)
    ) {
        self.endpoints = [Endpoint(host: host, port: port)]
        self.user = user
        self.password = password
        self.database = database
        self.applicationName = applicationName
        self.connectTimeout = connectTimeout
    }

    /// Parses `postgresql://user:password@host:port/database` (the scheme `postgres://` is
    /// accepted too).
    ///
    /// User, password, host and database are percent-decoded, so a password containing
    /// `@`, `:` or `/` must be written percent-encoded. The port defaults to 5432; an IPv6
    /// address is written in brackets. Several servers are written `h1:p1,h2:p2`. The query
    /// parameters `application_name`, `connect_timeout`, `sslmode`, `sslrootcert`, `sslcert`,
    /// `sslkey` and `target_session_attrs` are understood; any other parameter is refused
    /// rather than silently ignored (a dropped `sslmode=require` would weaken security unnoticed).
    ///
    /// - Throws: `PostgresError` of kind `.configuration`, naming the faulty part but never
    ///   echoing the URL (it holds the password).
    public init(url: String) throws {
        var rest = Substring(url)
        let schemes = ["postgresql://", "postgres://"]
        guard let scheme = schemes.first(where: { rest.lowercased().hasPrefix($0) }) else {
            throw PostgresError.configuration("URL scheme must be postgresql:// or postgres://")
        }
        rest = rest.dropFirst(scheme.count)
        if let fragmentStart = rest.firstIndex(of: "#") {
            rest = rest[..<fragmentStart]
        }

        var query: Substring = ""
        if let queryStart = rest.firstIndex(of: "?") {
            query = rest[rest.index(after: queryStart)...]
            rest = rest[..<queryStart]
        }
        var path: Substring = ""
        if let pathStart = rest.firstIndex(of: "/") {
            path = rest[rest.index(after: pathStart)...]
            rest = rest[..<pathStart]
        }

        // The authority is what remains; the user information ends at its last "@".
        guard let at = rest.lastIndex(of: "@") else {
            throw PostgresError.configuration("URL has no user name")
        }
        let userInfo = rest[..<at]
        let hostAndPort = rest[rest.index(after: at)...]

        let rawUser: Substring
        let rawPassword: Substring
        if let colon = userInfo.firstIndex(of: ":") {
            rawUser = userInfo[..<colon]
            rawPassword = userInfo[userInfo.index(after: colon)...]
        } else {
            rawUser = userInfo
            rawPassword = ""
        }
        let user = try Self.percentDecoded(rawUser, part: "user name")
        guard !user.isEmpty else {
            throw PostgresError.configuration("URL has no user name")
        }
        let password = try Self.percentDecoded(rawPassword, part: "password")

        let endpoints = try hostAndPort.split(separator: ",", omittingEmptySubsequences: false).map { part in
            let (host, port) = try Self.hostAndPort(part)
            return Endpoint(host: host, port: port)
        }
        let database = try Self.percentDecoded(path, part: "database name")
        guard !database.isEmpty else {
            throw PostgresError.configuration("URL has no database name")
        }

        var applicationName = "reintegration"
        var connectTimeout = 10
        var sslMode: SSLMode?
        var ssl: [String: String] = [:]
        var targetSessionAttributes: String?
        for item in query.split(separator: "&", omittingEmptySubsequences: true) {
            let pair = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = try Self.percentDecoded(pair[0], part: "query parameter name")
            let value = try Self.percentDecoded(pair.count > 1 ? pair[1] : "", part: "query parameter \(name)")
            switch name {
            case "application_name":
                applicationName = value
            case "connect_timeout":
                guard let seconds = Int(value), seconds >= 0 else {
                    throw PostgresError.configuration("URL parameter connect_timeout is not a whole number of seconds")
                }
                connectTimeout = seconds
            case "sslmode":
                guard let mode = SSLMode(rawValue: value) else {
                    throw PostgresError.configuration(
                        "URL parameter sslmode must be one of \(SSLMode.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                sslMode = mode
            case "sslrootcert", "sslcert", "sslkey":
                guard !value.isEmpty else { throw PostgresError.configuration("URL parameter \(name) is empty") }
                ssl[name] = value
            case "target_session_attrs":
                let accepted = ["any", "read-write", "read-only", "primary", "standby", "prefer-standby"]
                guard accepted.contains(value) else {
                    throw PostgresError.configuration("URL parameter target_session_attrs must be one of \(accepted.joined(separator: ", "))")
                }
                targetSessionAttributes = value
            default:
                throw PostgresError.configuration("URL parameter \(name) is not supported")
            }
        }

        self.init(
            host: endpoints[0].host,
            port: endpoints[0].port,
            user: user,
            password: password,
            database: database,
            applicationName: applicationName,
            connectTimeout: .seconds(connectTimeout)
        )
        self.endpoints = endpoints
        self.sslMode = sslMode
        sslRootCertificate = ssl["sslrootcert"]
        sslCertificate = ssl["sslcert"]
        sslKey = ssl["sslkey"]
        self.targetSessionAttributes = targetSessionAttributes
    }

    /// Why connecting would send the password and the data over a network without
    /// verifying the server, or nil: a server on another machine needs `sslmode=verify-full`
    /// (encrypted, and the certificate names that host).
    public var transportSecurityProblem: String? {
        guard sslMode != .verifyFull, let remote = endpoints.first(where: { !$0.isLocal }) else { return nil }
        return "sslmode must be verify-full (with sslrootcert) for a database on another machine (\(remote.host)); it is \(sslMode?.rawValue ?? "unset")"
    }

    /// libpq's connection keywords for the servers and TLS, without user and password.
    var connectionKeywords: [(String, String)] {
        var keywords = [
            ("host", endpoints.map(\.host).joined(separator: ",")),
            ("port", endpoints.map { String($0.port) }.joined(separator: ",")),
        ]
        if let sslMode { keywords.append(("sslmode", sslMode.rawValue)) }
        if let sslRootCertificate { keywords.append(("sslrootcert", sslRootCertificate)) }
        if let sslCertificate { keywords.append(("sslcert", sslCertificate)) }
        if let sslKey { keywords.append(("sslkey", sslKey)) }
        if let attributes = targetSessionAttributes ?? (endpoints.count > 1 ? "read-write" : nil) {
            keywords.append(("target_session_attrs", attributes))
        }
        return keywords
    }

    /// `postgresql://user@host:port/database`, without the password.
    public var description: String {
        let servers = endpoints.map { endpoint in
            (endpoint.host.contains(":") ? "[\(endpoint.host)]" : endpoint.host) + ":\(endpoint.port)"
        }.joined(separator: ",")
        let tls = sslMode.map { " sslmode=\($0.rawValue)" } ?? ""
        return "postgresql://\(user)@\(servers)/\(database) (application \(applicationName)\(tls))"
    }

    private static func hostAndPort(_ text: Substring) throws -> (String, Int) {
        var hostPart = text
        var portPart: Substring?
        if hostPart.hasPrefix("[") {
            // IPv6 literal: [address] or [address]:port
            guard let close = hostPart.firstIndex(of: "]") else {
                throw PostgresError.configuration("URL has an unterminated IPv6 address")
            }
            let afterClose = hostPart[hostPart.index(after: close)...]
            if !afterClose.isEmpty {
                guard afterClose.hasPrefix(":") else {
                    throw PostgresError.configuration("URL has text after the IPv6 address")
                }
                portPart = afterClose.dropFirst()
            }
            hostPart = hostPart[hostPart.index(after: hostPart.startIndex)..<close]
        } else if let colon = hostPart.lastIndex(of: ":") {
            portPart = hostPart[hostPart.index(after: colon)...]
            hostPart = hostPart[..<colon]
        }
        let host = try percentDecoded(hostPart, part: "host")
        guard !host.isEmpty else {
            throw PostgresError.configuration("URL has no host")
        }
        var port = 5432
        if let portPart, !portPart.isEmpty {
            guard let parsed = Int(portPart), (1...65535).contains(parsed) else {
                throw PostgresError.configuration("URL port is not a number between 1 and 65535")
            }
            port = parsed
        }
        return (host, port)
    }

    private static func percentDecoded(_ text: Substring, part: String) throws -> String {
        guard let decoded = String(text).removingPercentEncoding else {
            throw PostgresError.configuration("URL \(part) has invalid percent-encoding")
        }
        return decoded
    }
}

extension PostgresConfiguration: CustomReflectable {
    /// Keeps the password out of `dump()` and debugger output too.
    public var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "endpoints": endpoints.map { "\($0.host):\($0.port)" },
                "sslMode": sslMode?.rawValue ?? "default",
                "user": user,
                "password": "<redacted>",
                "database": database,
                "applicationName": applicationName,
                "connectTimeout": connectTimeout,
            ],
            displayStyle: .struct
        )
    }
}

import AMQP
import Contract
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The few calls of RabbitMQ's management HTTP API that `accounts` needs.
///
/// Credentials travel only in the Authorization header; no error carries a password or
/// a request body.
struct ManagementClient: Sendable {
    let baseURL: String
    let vhost: String
    private let authorization: String

    /// `url` is `http(s)://admin:password@host:port` (as `MANAGEMENT_URL` in `.local/credentials.env`).
    init(url: String, vhost: String) throws(CommandFailure) {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
              scheme == "http" || scheme == "https", let host = components.host, !host.isEmpty
        else { throw CommandFailure(usage: "--management-url must be http(s)://user:password@host:port") }
        // An administrator's password in clear may cross this machine's loopback only.
        if scheme == "http", !["127.0.0.1", "localhost", "::1", "[::1]"].contains(host.lowercased()) {
            throw CommandFailure(usage: "--management-url must be https:// for a broker on another machine (http would send the administrator's password in clear)")
        }
        guard let user = components.user, let password = components.password else {
            throw CommandFailure(usage: "--management-url has no user and password (an administrator of the broker)")
        }
        var base = URLComponents()
        base.scheme = scheme
        base.host = host
        base.port = components.port
        baseURL = base.string ?? ""
        self.vhost = vhost
        let decoded = "\(user.removingPercentEncoding ?? user):\(password.removingPercentEncoding ?? password)"
        authorization = "Basic " + Data(decoded.utf8).base64EncodedString()
    }

    /// A path segment, percent-encoded (vhost and user names contain dots and dashes).
    static func segment(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-_.~"))) ?? text
    }

    var encodedVhost: String { Self.segment(vhost) }

    /// Sends one request; 2xx answers return the body, 404 returns nil, anything else fails
    /// with a message that says what to check.
    @discardableResult
    func send(_ method: String, _ path: String, json: [String: Any]? = nil) async throws(CommandFailure) -> Data? {
        guard let url = URL(string: baseURL + path) else { throw CommandFailure(usage: "--management-url is not a usable URL") }
        var request = URLRequest(url: url, timeoutInterval: 30)
        request.httpMethod = method
        request.setValue(authorization, forHTTPHeaderField: "Authorization")
        if let json {
            request.httpBody = try? JSONSerialization.data(withJSONObject: json)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let data: Data
        let response: URLResponse
        do {
            (data, response) = try await URLSession.shared.data(for: request)
        } catch {
            throw CommandFailure(
                unavailable: "the management API at \(baseURL) cannot be reached (\(error.localizedDescription)); is the broker running with the management plugin?")
        }
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        switch status {
        case 200..<300: return data
        case 404: return nil
        case 401:
            throw CommandFailure(permission: "the management API refused the credentials of --management-url (401): give an administrator's user and password")
        case 403:
            throw CommandFailure(permission: "the management API refused \(method) \(path) (403): the user of --management-url must be tagged administrator")
        default:
            // The broker's reason names users, vhosts and regexes, never passwords.
            let reason = (try? JSONSerialization.jsonObject(with: data) as? [String: Any])?["reason"] as? String ?? ""
            throw CommandFailure(.unavailable, "the management API answered \(status) to \(method) \(path) \(reason)")
        }
    }

    func getJSON(_ path: String) async throws(CommandFailure) -> Any? {
        guard let data = try await send("GET", path) else { return nil }
        return try? JSONSerialization.jsonObject(with: data)
    }

    // MARK: Users

    /// The user's tags, or nil when there is no such user.
    func userTags(_ user: String) async throws(CommandFailure) -> [String]? {
        guard let object = try await getJSON("/api/users/\(Self.segment(user))") as? [String: Any] else { return nil }
        return Self.tags(object["tags"])
    }

    /// All users with their tags.
    func users() async throws(CommandFailure) -> [(name: String, tags: [String])] {
        let list = try await getJSON("/api/users") as? [[String: Any]] ?? []
        return list.compactMap { entry in
            guard let name = entry["name"] as? String else { return nil }
            return (name, Self.tags(entry["tags"]))
        }
    }

    /// Tags come as a comma-separated string in 3.10 and as a list in later versions.
    private static func tags(_ value: Any?) -> [String] {
        if let list = value as? [String] { return list }
        guard let text = value as? String else { return [] }
        return text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// Creates the user or replaces its password and tags.
    func putUser(_ user: String, password: String, tags: [String]) async throws(CommandFailure) {
        try await send("PUT", "/api/users/\(Self.segment(user))", json: ["password": password, "tags": tags.joined(separator: ",")])
    }

    /// Leaves the user without a password: nobody can log in as it with one.
    func removePassword(_ user: String, tags: [String]) async throws(CommandFailure) {
        try await send("PUT", "/api/users/\(Self.segment(user))", json: ["password_hash": "", "tags": tags.joined(separator: ",")])
    }

    // MARK: Permissions

    func setPermissions(_ user: String, _ permissions: BrokerPermissions) async throws(CommandFailure) {
        try await send("PUT", "/api/permissions/\(encodedVhost)/\(Self.segment(user))", json: permissions.vhostBody)
        for topic in permissions.topicBodies {
            try await send("PUT", "/api/topic-permissions/\(encodedVhost)/\(Self.segment(user))", json: topic)
        }
    }

    /// Removes the user's permissions and topic permissions on the vhost.
    func clearPermissions(_ user: String) async throws(CommandFailure) {
        try await send("DELETE", "/api/permissions/\(encodedVhost)/\(Self.segment(user))")
        try await send("DELETE", "/api/topic-permissions/\(encodedVhost)/\(Self.segment(user))")
    }

    /// The user's configure/write/read regexes on the vhost, nil when it has none.
    func permissions(_ user: String) async throws(CommandFailure) -> [String: String]? {
        guard let object = try await getJSON("/api/permissions/\(encodedVhost)/\(Self.segment(user))") as? [String: Any] else { return nil }
        return object.compactMapValues { $0 as? String }
    }

    /// The user's topic permissions on the vhost, one per exchange.
    func topicPermissions(_ user: String) async throws(CommandFailure) -> [BrokerPermissions.TopicPermission] {
        let list = try await getJSON("/api/topic-permissions/\(encodedVhost)/\(Self.segment(user))") as? [[String: Any]] ?? []
        return list.compactMap { entry in
            guard let exchange = entry["exchange"] as? String, let write = entry["write"] as? String, let read = entry["read"] as? String
            else { return nil }
            return BrokerPermissions.TopicPermission(exchange: exchange, write: write, read: read)
        }
    }

    // MARK: Topology

    /// Declares exchanges, queues and bindings as a service would over AMQP; an object that
    /// exists with the same arguments is left as it is.
    func declare(_ topology: Topology) async throws(CommandFailure) {
        for exchange in topology.exchanges {
            try await send("PUT", "/api/exchanges/\(encodedVhost)/\(Self.segment(exchange.name))", json: [
                "type": exchange.kind.rawValue, "durable": exchange.durable, "auto_delete": false, "internal": false,
                "arguments": Self.json(exchange.arguments),
            ])
        }
        for queue in topology.queues {
            try await send("PUT", "/api/queues/\(encodedVhost)/\(Self.segment(queue.name))", json: [
                "durable": queue.durable, "auto_delete": queue.autoDelete, "arguments": Self.json(queue.arguments),
            ])
        }
        for binding in topology.bindings {
            let path = "/api/bindings/\(encodedVhost)/e/\(Self.segment(binding.exchange))/q/\(Self.segment(binding.queue))"
            try await send("POST", path, json: ["routing_key": binding.routingKey, "arguments": [String: Any]()])
        }
    }

    private static func json(_ arguments: [String: AMQPFieldValue]) -> [String: Any] {
        arguments.mapValues { value -> Any in
            switch value {
            case .string(let text): text
            case .int(let number): number
            case .bool(let flag): flag
            }
        }
    }

    // MARK: Connections

    /// Closes every open connection of `user` (on any vhost); returns how many.
    @discardableResult
    func closeConnections(of user: String, reason: String) async throws(CommandFailure) -> Int {
        let list = try await getJSON("/api/connections") as? [[String: Any]] ?? []
        var closed = 0
        for entry in list where entry["user"] as? String == user {
            guard let name = entry["name"] as? String else { continue }
            guard let url = URL(string: baseURL + "/api/connections/\(Self.segment(name))") else { continue }
            var request = URLRequest(url: url, timeoutInterval: 30)
            request.httpMethod = "DELETE"
            request.setValue(authorization, forHTTPHeaderField: "Authorization")
            request.setValue(reason, forHTTPHeaderField: "X-Reason")
            // A connection that closed meanwhile answers 404: nothing left to do.
            if let (_, response) = try? await URLSession.shared.data(for: request),
               ((response as? HTTPURLResponse)?.statusCode ?? 0) / 100 == 2 {
                closed += 1
            }
        }
        return closed
    }
}

extension BrokerPermissions {
    /// The body of `PUT /api/permissions/{vhost}/{user}`.
    var vhostBody: [String: Any] { ["configure": configure, "write": write, "read": read] }

    /// The bodies of `PUT /api/topic-permissions/{vhost}/{user}`, one per exchange.
    var topicBodies: [[String: Any]] { topics.map { ["exchange": $0.exchange, "write": $0.write, "read": $0.read] } }
}

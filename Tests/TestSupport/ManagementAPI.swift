import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A few calls to the broker's management HTTP API, for tests that must act on the
/// broker from outside (closing connections, reading queue depths).
public struct ManagementAPI: Sendable {
    public let baseURL: URL
    private let authorization: String

    public init(url: String) throws {
        guard let components = URLComponents(string: url), let user = components.user, let password = components.password,
              let host = components.host
        else { throw TestEnvironment.NotConfigured(variable: TestEnvironment.managementURLVariable) }
        var base = URLComponents()
        base.scheme = components.scheme
        base.host = host
        base.port = components.port
        baseURL = base.url!
        authorization = "Basic " + Data("\(user.removingPercentEncoding ?? user):\(password.removingPercentEncoding ?? password)".utf8).base64EncodedString()
    }

    public static func fromEnvironment() throws -> ManagementAPI {
        try ManagementAPI(url: TestEnvironment.managementURL())
    }

    public func request(_ method: String, _ path: String, body: Data? = nil) async throws -> (Int, Data) {
        var request = URLRequest(url: URL(string: baseURL.absoluteString + path)!)
        request.httpMethod = method
        request.setValue(authorization, forHTTPHeaderField: "Authorization")
        if let body {
            request.httpBody = body
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, data)
    }

    /// Names of the open connections whose client-provided name is `connectionName`.
    public func connections(named connectionName: String) async throws -> [String] {
        let (_, data) = try await request("GET", "/api/connections")
        let list = (try JSONSerialization.jsonObject(with: data) as? [[String: Any]]) ?? []
        return list.compactMap { entry in
            let properties = entry["client_properties"] as? [String: Any]
            guard properties?["connection_name"] as? String == connectionName else { return nil }
            return entry["name"] as? String
        }
    }

    /// Force-closes every connection with that client-provided name.
    public func closeConnections(named connectionName: String) async throws -> Int {
        let names = try await connections(named: connectionName)
        for name in names {
            let encoded = name.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? name
            _ = try await request("DELETE", "/api/connections/\(encoded)")
        }
        return names.count
    }

    /// Messages ready in a queue (the management API's figure lags by a few seconds).
    public func messageCount(vhost: String, queue: String) async throws -> Int? {
        let path = "/api/queues/\(vhost.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? vhost)/\(queue.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? queue)"
        let (status, data) = try await request("GET", path)
        guard status == 200, let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else { return nil }
        return object["messages"] as? Int
    }
}

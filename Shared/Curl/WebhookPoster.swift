import CCurl

/// Posts a JSON body to a webhook with libcurl and reports the HTTP status.
///
/// `post` blocks its thread: call it from a thread pool, never from Swift's cooperative
/// pool. Redirects are not followed (a signed body goes only where it was configured).
public struct WebhookPoster: Sendable {
    /// Time allowed to connect.
    public var connectTimeout: Duration
    /// Time allowed for the whole request.
    public var timeout: Duration

    /// A PEM file of the certificate authorities to trust for receivers' certificates,
    /// instead of the system's; nil trusts the system's.
    public var caFile: String?

    /// Creates a poster.
    public init(connectTimeout: Duration = .seconds(10), timeout: Duration = .seconds(30), caFile: String? = nil) {
        self.caFile = caFile
        self.connectTimeout = connectTimeout
        self.timeout = timeout
    }

    /// POSTs `body` to `url` with `headers` (`Name: value` lines).
    ///
    /// - Returns: the HTTP status, whatever it is; the caller decides what a 4xx or 5xx means.
    /// - Throws: `CurlError` when no HTTP answer arrived (connection, TLS, timeout).
    public func post(_ body: [UInt8], to url: String, headers: [String]) throws(CurlError) -> Int {
        let handle = try CurlEasyHandle(context: "webhook POST")
        try handle.set(CURLOPT_URL, url)
        try handle.set(CURLOPT_PROTOCOLS_STR, "http,https")
        try handle.set(CURLOPT_POST, 1)
        try handle.set(CURLOPT_POSTFIELDSIZE_LARGE, body.count)
        try handle.set(CURLOPT_HTTPHEADER, list: headers + ["Content-Type: application/json", "Expect:"])
        try handle.set(timeouts: connectTimeout, total: timeout)
        if let caFile {
            try handle.set(CURLOPT_CAINFO, caFile)
        }
        return try handle.perform(uploading: body)
    }
}

import CCurl
import Synchronization

/// One libcurl easy handle: options, one blocking `perform`, the reply code.
///
/// `perform` blocks the calling thread for the whole transfer, so it must run on a
/// thread of its own (a `NIOThreadPool` or a dedicated `Thread`), never on Swift's
/// cooperative pool. A handle belongs to one thread at a time and is not `Sendable`.
public final class CurlEasyHandle {
    private let handle: UnsafeMutableRawPointer
    /// The lists set on the handle, by option; a list set again replaces (and frees) the
    /// previous one, so a handle that sends many messages does not accumulate them.
    private var lists: [CURLoption.RawValue: UnsafeMutablePointer<curl_slist>] = [:]
    private let context: String

    /// Creates a handle; `context` names the operation in errors ("SMTP send").
    public init(context: String) throws(CurlError) {
        CurlEasyHandle.initialiseLibraryOnce()
        guard let handle = curl_easy_init() else {
            throw CurlError(kind: .setup, curlCode: 0, context: context)
        }
        self.handle = handle
        self.context = context
        // Signals would be unsafe with several threads; timeouts still apply.
        try set(CURLOPT_NOSIGNAL, 1)
    }

    deinit {
        curl_easy_cleanup(handle)
        for list in lists.values { curl_slist_free_all(list) }
    }

    /// Sets a numeric option.
    public func set(_ option: CURLoption, _ value: Int) throws(CurlError) {
        try check(reintegration_curl_set_long(handle, option, value))
    }

    /// Sets a string option (libcurl copies it).
    public func set(_ option: CURLoption, _ value: String) throws(CurlError) {
        try check(value.withCString { reintegration_curl_set_string(handle, option, $0) })
    }

    /// Sets the time allowed to connect and for the whole transfer, to the millisecond.
    public func set(timeouts connect: Duration, total: Duration) throws(CurlError) {
        try set(CURLOPT_CONNECTTIMEOUT_MS, Self.milliseconds(connect))
        try set(CURLOPT_TIMEOUT_MS, Self.milliseconds(total))
    }

    /// At least one millisecond: libcurl reads 0 as "no limit".
    private static func milliseconds(_ duration: Duration) -> Int {
        max(1, Int((duration / .milliseconds(1)).rounded(.up)))
    }

    /// Sets a list option (headers, recipients); the list lives until the option is set again
    /// or the handle ends.
    public func set(_ option: CURLoption, list values: [String]) throws(CurlError) {
        var list: UnsafeMutablePointer<curl_slist>?
        for value in values {
            guard let appended = curl_slist_append(list, value) else {
                if let list { curl_slist_free_all(list) }
                throw CurlError(kind: .setup, curlCode: 0, context: context)
            }
            list = appended
        }
        guard let list else { return }
        do {
            try check(reintegration_curl_set_slist(handle, option, list))
        } catch {
            curl_slist_free_all(list)
            throw error
        }
        if let previous = lists.updateValue(list, forKey: option.rawValue) { curl_slist_free_all(previous) }
    }

    /// Sends `payload` as the upload body (SMTP DATA, HTTP POST) and performs the transfer.
    ///
    /// - Returns: the server's last reply code (SMTP or HTTP), 0 when there was none.
    /// - Throws: `CurlError` when libcurl reports a failure; its `responseCode` says what
    ///   the server last answered, so callers can tell a refusal from an outage.
    public func perform(uploading payload: [UInt8]?) throws(CurlError) -> Int {
        try perform(uploading: payload, tracker: nil)
    }

    /// Like `perform(uploading:)` for SMTP, and a failure says how far the conversation got
    /// (`CurlError.smtpStage`), so a refused recipient is told from a relay that is down.
    public func performSMTP(uploading payload: [UInt8]) throws(CurlError) -> Int {
        try perform(uploading: payload, tracker: SMTPStageTracker())
    }

    private func perform(uploading payload: [UInt8]?, tracker: SMTPStageTracker?) throws(CurlError) -> Int {
        let source = UploadSource(payload ?? [])
        let unmanaged = Unmanaged.passRetained(source)
        defer { unmanaged.release() }
        if payload != nil {
            try check(reintegration_curl_set_read_function(handle, curlUploadReader))
            try check(reintegration_curl_set_pointer(handle, CURLOPT_READDATA, unmanaged.toOpaque()))
        }
        try check(reintegration_curl_set_write_function(handle, curlResponseDiscarder))
        let observer = tracker.map { Unmanaged.passRetained($0) }
        defer { observer?.release() }
        if let observer {
            try check(reintegration_curl_set_debug_function(handle, curlConversationObserver))
            try check(reintegration_curl_set_pointer(handle, CURLOPT_DEBUGDATA, observer.toOpaque()))
            try set(CURLOPT_VERBOSE, 1)
        }
        let result = curl_easy_perform(handle)
        let reply = responseCode()
        guard result == CURLE_OK else {
            let code = Int(result.rawValue)
            throw CurlError(
                kind: Self.isConnectionFailure(result) ? .connection : .transfer, curlCode: code,
                responseCode: reply == 0 ? nil : reply, context: context, smtpStage: tracker?.stage)
        }
        return reply
    }

    /// The last reply code the server sent (0 when none).
    public func responseCode() -> Int {
        information(CURLINFO_RESPONSE_CODE)
    }

    /// How many connections the last transfer opened: 0 when it reused one kept from an
    /// earlier transfer of this handle.
    public func connectionsOpenedByLastTransfer() -> Int {
        information(CURLINFO_NUM_CONNECTS)
    }

    private func information(_ item: CURLINFO) -> Int {
        var value = 0
        _ = reintegration_curl_get_long(handle, item, &value)
        return value
    }

    private func check(_ code: CURLcode) throws(CurlError) {
        guard code == CURLE_OK else {
            throw CurlError(kind: .setup, curlCode: Int(code.rawValue), context: context)
        }
    }

    private static func isConnectionFailure(_ code: CURLcode) -> Bool {
        code == CURLE_COULDNT_CONNECT || code == CURLE_COULDNT_RESOLVE_HOST
            || code == CURLE_COULDNT_RESOLVE_PROXY || code == CURLE_OPERATION_TIMEDOUT
    }

    private static let initialised = Mutex(false)

    /// `curl_global_init` is not thread-safe: call it once, before any handle exists.
    private static func initialiseLibraryOnce() {
        initialised.withLock { done in
            guard !done else { return }
            _ = curl_global_init(Int(CURL_GLOBAL_ALL))
            done = true
        }
    }
}

/// libcurl's read callback: copies the next slice of the `UploadSource`.
private func curlUploadReader(
    _ buffer: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ userData: UnsafeMutableRawPointer?
) -> Int {
    guard let buffer, let userData else { return 0 }
    let source = Unmanaged<UploadSource>.fromOpaque(userData).takeUnretainedValue()
    let length = min(size * count, source.bytes.count - source.offset)
    guard length > 0 else { return 0 }
    source.bytes.withUnsafeBufferPointer { bytes in
        UnsafeMutableRawPointer(buffer).copyMemory(from: bytes.baseAddress! + source.offset, byteCount: length)
    }
    source.offset += length
    return length
}

/// libcurl's debug callback on SMTP transfers: notes which command went out last. The
/// text itself is neither kept nor logged (it holds addresses and credentials).
private func curlConversationObserver(
    _ handle: UnsafeMutableRawPointer?, _ type: curl_infotype, _ data: UnsafeMutablePointer<CChar>?, _ size: Int,
    _ userData: UnsafeMutableRawPointer?
) -> Int32 {
    guard let userData, let data else { return 0 }
    let tracker = Unmanaged<SMTPStageTracker>.fromOpaque(userData).takeUnretainedValue()
    if type == CURLINFO_HEADER_OUT {
        tracker.sent(command: UnsafeRawBufferPointer(start: data, count: size))
    } else if type == CURLINFO_DATA_OUT {
        tracker.sentContent()
    }
    return 0
}

/// libcurl's write callback: the reply body is not needed, only its status.
private func curlResponseDiscarder(
    _ buffer: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ userData: UnsafeMutableRawPointer?
) -> Int {
    size * count
}

import Hummingbird

/// Responses with a body of one kind of text.
enum DashboardResponses {
    /// Not among swift-http-types' named fields.
    static let referrerPolicy = HTTPFields.Element.Name("Referrer-Policy")!

    static func html(_ status: HTTPResponse.Status, _ text: String) -> Response { body(status, text, type: "text/html; charset=utf-8") }
    static func json(_ status: HTTPResponse.Status, _ text: String) -> Response { body(status, text, type: "application/json") }

    static func body(_ status: HTTPResponse.Status, _ text: String, type: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = type
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }
}

import Hummingbird
import Logging

/// Admits only requests that carry the access token, and sets the headers every answer
/// of the dashboard has: nothing cached, nothing framed, nothing loaded from elsewhere.
struct DashboardAccessMiddleware<Context: RequestContext>: RouterMiddleware {
    let token: DashboardAccessToken
    let isTLS: Bool
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response: Response
        if token.admits(authorization: request.headers[.authorization]) {
            response = try await next(request, context)
        } else {
            // The path only: a query could hold anything, and the header is never logged.
            logger.notice("refused a request without the right token", metadata: ["http.path": "\(request.uri.path)"])
            let language = DashboardLanguage.choose(
                query: request.uri.queryParameters.get("lang"), acceptLanguage: request.headers[.acceptLanguage])
            response = DashboardResponses.html(.unauthorized, DashboardPage.signIn(language))
            response.headers[.wwwAuthenticate] = #"Basic realm="Reintegration dashboard", charset="UTF-8""#
        }
        response.headers[.cacheControl] = "no-store"
        response.headers[.contentSecurityPolicy] =
            "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[DashboardResponses.referrerPolicy] = "no-referrer"
        if isTLS { response.headers[.strictTransportSecurity] = "max-age=31536000" }
        return response
    }
}

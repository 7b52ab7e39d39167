import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOCore
import NIOSSL
import Postgres

/// The live view's web server: the page, its stylesheet and script, and `/api/summary`
/// (the figures and the page's table rows as JSON), all behind the access token.
struct DashboardServer {
    let address: DashboardListenAddress
    let token: DashboardAccessToken
    let tls: TLSConfiguration?
    let source: DashboardSource
    let windowDays: Int
    /// How often the page asks for new figures.
    let refreshMilliseconds: Int
    let logger: Logger

    /// Serves until SIGTERM or SIGINT.
    func run() async throws {
        let router = Router(context: BasicRequestContext.self)
        router.add(middleware: DashboardAccessMiddleware(token: token, isTLS: tls != nil, logger: logger))
        let source = source, windowDays = windowDays, refreshMilliseconds = refreshMilliseconds, logger = logger

        router.get("/") { request, _ in
            let language = Self.language(of: request)
            do {
                let view = DashboardView(try await source.summary(), language: language)
                return DashboardResponses.html(.ok, DashboardPage.render(view, windowDays: windowDays, refreshMilliseconds: refreshMilliseconds))
            } catch {
                logger.error("could not read the figures", metadata: ["error": "\(CommandFailure.explained(error).map(String.init(describing:)) ?? String(describing: error))"])
                return DashboardResponses.html(.serviceUnavailable, DashboardPage.unavailable(language))
            }
        }
        router.get("/api/summary") { request, _ in
            do {
                let summary = try await source.summary()
                struct Document: Encodable {
                    var summary: DashboardSummary
                    var view: DashboardView
                }
                let encoder = OperatorTime.jsonEncoder()
                encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
                let data = try encoder.encode(Document(summary: summary, view: DashboardView(summary, language: Self.language(of: request))))
                return DashboardResponses.json(.ok, String(decoding: data, as: UTF8.self))
            } catch {
                logger.error("could not read the figures", metadata: ["error": "\(CommandFailure.explained(error).map(String.init(describing:)) ?? String(describing: error))"])
                return DashboardResponses.json(.serviceUnavailable, #"{"error":"the figures cannot be read now"}"#)
            }
        }
        router.get("/dashboard.css") { _, _ in DashboardResponses.body(.ok, DashboardAssets.stylesheet, type: "text/css; charset=utf-8") }
        router.get("/dashboard.js") { _, _ in DashboardResponses.body(.ok, DashboardAssets.script, type: "text/javascript; charset=utf-8") }

        let server = try tls.map { try HTTPServerBuilder.tls(.http1(), tlsConfiguration: $0) } ?? HTTPServerBuilder.http1()
        let address = address, scheme = tls == nil ? "http" : "https"
        let application = Application(
            router: router, server: server,
            configuration: ApplicationConfiguration(address: .hostname(address.host, port: address.port)),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? address.port
                logger.info("dashboard listening", metadata: ["url": "\(scheme)://\(DashboardListenAddress.display(host: address.host, port: port))/"])
            },
            logger: logger)
        try await application.runService()
    }

    private static func language(of request: Request) -> DashboardLanguage {
        DashboardLanguage.choose(query: request.uri.queryParameters.get("lang"), acceptLanguage: request.headers[.acceptLanguage])
    }

    /// A server configuration for the PEM certificate chain and key files, TLS 1.2 and later.
    static func tlsConfiguration(certificateFile: String, keyFile: String) throws(CommandFailure) -> TLSConfiguration {
        do {
            let chain = try NIOSSLCertificate.fromPEMFile(certificateFile).map { NIOSSLCertificateSource.certificate($0) }
            guard !chain.isEmpty else { throw CommandFailure(configuration: "\(certificateFile) holds no PEM certificate") }
            let key = try NIOSSLPrivateKey(file: keyFile, format: .pem)
            var configuration = TLSConfiguration.makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(key))
            configuration.minimumTLSVersion = .tlsv12
            return configuration
        } catch let failure as CommandFailure {
            throw failure
        } catch {
            throw CommandFailure(configuration: "cannot use the certificate \(certificateFile) and key \(keyFile) (PEM files, the key without a passphrase): \(error)")
        }
    }
}

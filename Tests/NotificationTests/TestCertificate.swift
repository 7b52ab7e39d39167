import Foundation

/// A throwaway self-signed certificate for `localhost` and 127.0.0.1, made with the
/// openssl command for one test: the servers present it, the client trusts it as its CA.
struct TestCertificate: Sendable {
    let certificateFile: String
    let keyFile: String
    private let folder: URL

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        certificateFile = folder.appendingPathComponent("cert.pem").path
        keyFile = folder.appendingPathComponent("key.pem").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
            "-keyout", keyFile, "-out", certificateFile, "-subj", "/CN=localhost",
            "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0, FileManager.default.fileExists(atPath: certificateFile) else {
            throw CertificateNotMade()
        }
    }

    func remove() {
        try? FileManager.default.removeItem(at: folder)
    }

    struct CertificateNotMade: Error, CustomStringConvertible {
        var description: String { "openssl could not make a test certificate (is openssl installed?)" }
    }
}

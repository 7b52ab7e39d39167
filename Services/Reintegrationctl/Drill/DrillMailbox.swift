import Foundation

/// The mail relay's Maildir: how many mails carry each `Message-ID` (the notification
/// service sets it to `<delivery id@reintegration>`, so a mail sent twice shows twice).
enum DrillMailbox {
    static func messageIdCounts(in directory: String) -> [String: Int] {
        var counts: [String: Int] = [:]
        let folder = URL(fileURLWithPath: directory).appendingPathComponent("new")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        for name in names {
            guard let data = FileManager.default.contents(atPath: folder.appendingPathComponent(name).path),
                let id = messageId(in: data)
            else { continue }
            counts[id, default: 0] += 1
        }
        return counts
    }

    /// The delivery id of the `Message-ID` header, read from the header block only.
    private static func messageId(in data: Data) -> String? {
        let head = String(decoding: data.prefix(8192), as: UTF8.self)
        for line in head.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.trimmingCharacters(in: .whitespaces).isEmpty { break }
            guard line.lowercased().hasPrefix("message-id:") else { continue }
            let value = line.dropFirst("message-id:".count).trimmingCharacters(in: .whitespacesAndNewlines)
            return value.trimmingCharacters(in: CharacterSet(charactersIn: "<>")).components(separatedBy: "@").first?.lowercased()
        }
        return nil
    }
}

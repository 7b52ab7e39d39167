import Contract
import Foundation
import ReferralDomain
import WorkingCalendar

/// The folder `agency pull` fills and `agency list` reads:
///
/// - `<referralId>.json`: each referral as received (`referral.v1`);
/// - `updates/<referralId>.<message>.json`: each `referral-updated.v1` as received;
/// - `statuses/<referralId>.json`: the status the cluster last confirmed to
///   `agency update --folder` (`AppliedStatus`), written by that command, not by pull;
/// - `unreadable/<message>.body` and `.txt`: what could not be read, with why;
/// - `referrals.csv`: one row per referral, rebuilt whole from the files on every pull,
///   so a referral delivered twice is still one row.
///
/// Every file is written durably (`DurableFile`), a pulled one before its message is
/// acknowledged.
/// File names come from the message's own id: a message delivered again overwrites its
/// own file with the same content.
struct ReferralFolder: Sendable {
    let directory: URL

    var updates: URL { directory.appendingPathComponent("updates", isDirectory: true) }
    var statuses: URL { directory.appendingPathComponent("statuses", isDirectory: true) }
    var unreadable: URL { directory.appendingPathComponent("unreadable", isDirectory: true) }
    var csv: URL { directory.appendingPathComponent("referrals.csv") }

    /// One referral with the deadline in force (the latest update's, else its own).
    struct Entry: Sendable {
        var referral: PulledReferral
        /// When the file was written: when the agency pulled the referral.
        var received: Date
        var dueBy: Date
        /// The status the cluster last confirmed to `agency update`, if it was recorded here.
        var status: ReferralStatus? = nil

        /// Completed or declined: no deadline is left to meet.
        var isClosed: Bool { status.map { !$0.isOpen } ?? false }
    }

    /// Creates the folders; removes what an interrupted write left (its message was not
    /// acknowledged, so it comes again).
    func prepare() throws(DurableFile.WriteError) {
        for folder in [directory, updates, unreadable] {
            do {
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            } catch {
                throw DurableFile.WriteError(path: folder.path, reason: "cannot create it")
            }
        }
    }

    /// Removes the temporary files of writes a killed process did not finish. Call with the
    /// lock held. `agency update` writes `statuses/` without the lock: a temporary file
    /// whose process still runs is left to it.
    func removePartialWrites() {
        for folder in [directory, updates, unreadable, statuses] {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
            for name in names where name.hasPrefix(DurableFile.temporaryPrefix) && !DurableFile.writerIsRunning(temporaryName: name) {
                unlink(folder.appendingPathComponent(name).path)
            }
        }
    }

    func save(_ referral: PulledReferral, body: [UInt8]) throws(DurableFile.WriteError) {
        try writeUnlessSame(body, to: directory.appendingPathComponent("\(ContractID.text(referral.referralId)).json"))
    }

    /// Records the status the cluster confirmed, unless the one recorded already stands
    /// (`AppliedStatus.replaces`); `statuses/` is made when missing.
    func record(_ status: AppliedStatus) throws(DurableFile.WriteError) {
        let url = statuses.appendingPathComponent("\(ContractID.text(status.referralId)).json")
        let recorded = FileManager.default.contents(atPath: url.path).flatMap { AppliedStatus.parse(Array($0)) }
        guard status.replaces(recorded) else { return }
        do {
            try FileManager.default.createDirectory(at: statuses, withIntermediateDirectories: true)
        } catch {
            throw DurableFile.WriteError(path: statuses.path, reason: "cannot create it")
        }
        try DurableFile.write(status.body, to: url)
    }

    func save(_ notice: ReferralUpdateNotice, body: [UInt8], messageId: String?) throws(DurableFile.WriteError) {
        let name = "\(ContractID.text(notice.referralId)).\(Self.fileStem(messageId: messageId, body: body)).json"
        try writeUnlessSame(body, to: updates.appendingPathComponent(name))
    }

    /// Keeps an unreadable message: its body, and beside it why and its properties.
    /// Returns the body's path relative to the folder.
    func keepAside(body: [UInt8], why: String, type: String?, messageId: String?, routingKey: String) throws(DurableFile.WriteError) -> String {
        let stem = Self.fileStem(messageId: messageId, body: body)
        let about = """
            why: \(why)
            type: \(type ?? "-")
            message_id: \(messageId ?? "-")
            routing_key: \(routingKey)
            kept_at: \(Timestamp.format(Date(), in: WorkingCalendar.bakuTimeZone))

            """
        try DurableFile.write(Array(about.utf8), to: unreadable.appendingPathComponent("\(stem).txt"))
        try DurableFile.write(body, to: unreadable.appendingPathComponent("\(stem).body"))
        return "unreadable/\(stem).body"
    }

    /// The referrals on disk with their deadlines and recorded statuses; `skipped` names
    /// files that are not referrals.
    func entries() -> (entries: [Entry], skipped: [String]) {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).sorted()
        var latestDue: [UUID: (modified: Date, name: String, due: Date)] = [:]
        for name in ((try? FileManager.default.contentsOfDirectory(atPath: updates.path)) ?? []) where name.hasSuffix(".json") {
            let url = updates.appendingPathComponent(name)
            guard let data = FileManager.default.contents(atPath: url.path), let notice = ReferralUpdateNotice.parse(Array(data)),
                  let due = notice.dueDate
            else { continue }
            let modified = Self.modified(url)
            if let current = latestDue[notice.referralId], (current.modified, current.name) > (modified, name) { continue }
            latestDue[notice.referralId] = (modified, name, due)
        }
        var entries: [Entry] = []
        var skipped: [String] = []
        for name in names where name.hasSuffix(".json") {
            let url = directory.appendingPathComponent(name)
            guard let data = FileManager.default.contents(atPath: url.path), let referral = PulledReferral.parse(Array(data)) else {
                skipped.append(name)
                continue
            }
            entries.append(Entry(
                referral: referral, received: Self.modified(url), dueBy: latestDue[referral.referralId]?.due ?? referral.dueBy,
                status: recordedStatus(of: referral.referralId)))
        }
        return (entries, skipped)
    }

    private func recordedStatus(of referralId: UUID) -> ReferralStatus? {
        let url = statuses.appendingPathComponent("\(ContractID.text(referralId)).json")
        guard let data = FileManager.default.contents(atPath: url.path), let recorded = AppliedStatus.parse(Array(data)),
              recorded.referralId == referralId
        else { return nil }
        return recorded.status
    }

    /// Rewrites `referrals.csv` whole from `entries`.
    func writeCSV(_ entries: [Entry]) throws(DurableFile.WriteError) {
        var text = "id,case,received,acknowledge-by,due-by,needs,district\r\n"
        for entry in entries.sorted(by: { ($0.received, $0.referral.referralId.uuidString) < ($1.received, $1.referral.referralId.uuidString) }) {
            let referral = entry.referral
            let cells = [
                ContractID.text(referral.referralId), ContractID.text(referral.caseId), Self.local(entry.received),
                Self.local(referral.acknowledgeBy), Self.local(entry.dueBy), referral.needs.joined(separator: ";"),
                referral.person?.district ?? "",
            ]
            text += cells.map(Self.csvCell).joined(separator: ",") + "\r\n"
        }
        try DurableFile.write(Array(text.utf8), to: csv)
    }

    /// An instant as RFC 3339 in Baku time, as the cluster writes deadlines.
    static func local(_ date: Date) -> String { Timestamp.format(date, in: WorkingCalendar.bakuTimeZone) }

    /// RFC 4180: quoted when it holds a comma, a quote or a line break.
    static func csvCell(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0.isNewline }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// A file name from the message id when it is a plain one, else from the body's hash:
    /// the same message always gets the same name.
    static func fileStem(messageId: String?, body: [UInt8]) -> String {
        if let messageId, (1...100).contains(messageId.utf8.count), !messageId.hasPrefix("."),
           messageId.unicodeScalars.allSatisfy({ $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "._-:".unicodeScalars.contains($0)) }) {
            return messageId.replacingOccurrences(of: ":", with: "_")
        }
        // FNV-1a: stable across runs and machines, unlike Hasher.
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in body {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return "body-" + String(hash, radix: 16)
    }

    private func writeUnlessSame(_ body: [UInt8], to url: URL) throws(DurableFile.WriteError) {
        if let existing = FileManager.default.contents(atPath: url.path), Array(existing) == body {
            // Written before by a pull that may have died before syncing the directory.
            try DurableFile.syncDirectory(url.deletingLastPathComponent())
            return
        }
        try DurableFile.write(body, to: url)
    }

    private static func modified(_ url: URL) -> Date {
        ((try? FileManager.default.attributesOfItem(atPath: url.path))?[.modificationDate] as? Date) ?? .distantPast
    }
}

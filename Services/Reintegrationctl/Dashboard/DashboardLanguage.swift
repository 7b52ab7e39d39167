/// The page's language: `?lang=` when it names one we have, else the first of ours the
/// browser's Accept-Language prefers, else English.
enum DashboardLanguage: String, Sendable, CaseIterable {
    case en, az

    static func choose(query: String?, acceptLanguage: String?) -> DashboardLanguage {
        if let query, let chosen = DashboardLanguage(rawValue: query.lowercased()) { return chosen }
        guard let acceptLanguage else { return .en }
        // "az-Latn-AZ,az;q=0.9,en;q=0.5": the highest q wins, the earlier one on a tie.
        let ranked = acceptLanguage.split(separator: ",").enumerated().compactMap { index, part -> (Double, Int, DashboardLanguage)? in
            let fields = part.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let tag = fields.first?.lowercased(),
                  let language = DashboardLanguage(rawValue: String(tag.split(separator: "-").first ?? ""))
            else { return nil }
            let quality = fields.dropFirst().first { $0.hasPrefix("q=") }.flatMap { Double($0.dropFirst(2)) } ?? 1
            return quality > 0 ? (quality, index, language) : nil
        }
        return ranked.min { $0.0 != $1.0 ? $0.0 > $1.0 : $0.1 < $1.1 }?.2 ?? .en
    }
}

import Foundation

/// The reference list of district codes (`person.address.district`, and the
/// `local.<district>` agencies). The defaults cover Azerbaijan's districts and cities;
/// deployments may load another list.
public struct DistrictCatalog: Sendable, Equatable {
    /// The accepted codes.
    public var codes: [String]

    /// A catalog of exactly these codes (not checked: use `load(json:)` for untrusted input).
    public init(codes: [String]) {
        self.codes = codes
    }

    /// Whether `code` is in the list (exact, case-sensitive).
    public func contains(_ code: String) -> Bool { codes.contains(code) }

    /// The longest code accepted by `load(json:)`: codes become part of queue names
    /// (`referrals.local.<district>`), which must stay short.
    public static let maximumCodeLength = 64

    /// Reads a catalog from a JSON array of codes, e.g. `["binagadi", "ganja"]`.
    ///
    /// Every code must be a lower-case ASCII slug (`a-z` words joined by single `-`), at
    /// most `maximumCodeLength` long; the list must be non-empty and free of duplicates.
    public static func load(json: [UInt8]) throws(DistrictCatalogError) -> DistrictCatalog {
        let codes: [String]
        do {
            codes = try JSONDecoder().decode([String].self, from: Data(json))
        } catch {
            throw .notAnArrayOfStrings
        }
        guard !codes.isEmpty else { throw .empty }
        var seen = Set<String>()
        for (index, code) in codes.enumerated() {
            guard isSlug(code) else { throw .invalidCode(index: index, code: code) }
            guard seen.insert(code).inserted else { throw .duplicateCode(index: index, code: code) }
        }
        return DistrictCatalog(codes: codes)
    }

    /// `a-z` words joined by single hyphens, no leading or trailing hyphen.
    static func isSlug(_ code: String) -> Bool {
        let bytes = Array(code.utf8)
        guard !bytes.isEmpty, bytes.count <= maximumCodeLength,
              bytes.first != UInt8(ascii: "-"), bytes.last != UInt8(ascii: "-")
        else { return false }
        var previous: UInt8 = 0
        for byte in bytes {
            let isLetter = byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")
            let isHyphen = byte == UInt8(ascii: "-")
            guard isLetter || (isHyphen && previous != UInt8(ascii: "-")) else { return false }
            previous = byte
        }
        return true
    }

    /// Azerbaijan's administrative districts (rayons, including those of the Nakhchivan
    /// Autonomous Republic), its cities, and Baku's twelve districts, as lower-case
    /// ASCII transliterations. Baku itself is represented by its districts, each of
    /// which has its own executive authority.
    public static let `default` = DistrictCatalog(codes: [
        "absheron", "agdam", "agdash", "agjabadi", "agstafa", "agsu", "astara", "babek", "balakan",
        "barda", "beylagan", "bilasuvar", "binagadi", "dashkasan", "fuzuli", "gabala", "gadabay",
        "gakh", "ganja", "garadagh", "gazakh", "gobustan", "goranboy", "goychay", "goygol", "guba",
        "gubadli", "gusar", "hajigabul", "imishli", "ismayilli", "jabrayil", "jalilabad", "julfa",
        "kalbajar", "kangarli", "khachmaz", "khankendi", "khatai", "khazar", "khizi", "khojali",
        "khojavend", "kurdamir", "lachin", "lankaran", "lerik", "masalli", "mingachevir",
        "naftalan", "nakhchivan", "narimanov", "nasimi", "neftchala", "nizami", "oghuz", "ordubad",
        "pirallahi", "saatli", "sabail", "sabirabad", "sabunchu", "sadarak", "salyan", "samukh",
        "shabran", "shahbuz", "shaki", "shamakhi", "shamkir", "sharur", "shirvan", "shusha",
        "siyazan", "sumgait", "surakhani", "tartar", "tovuz", "ujar", "yardimli", "yasamal",
        "yevlakh", "zagatala", "zangilan", "zardab",
    ])
}

/// The reference list of district codes (`person.address.district`, and the
/// `local.<district>` agencies). The defaults cover Azerbaijan's districts and cities;
/// deployments may load another list.
public struct DistrictCatalog: Sendable, Equatable {
    public var codes: [String]

    public init(codes: [String]) {
        self.codes = codes
    }

    public func contains(_ code: String) -> Bool { codes.contains(code) }

    /// Azerbaijan's districts and cities.
    public static let `default` = DistrictCatalog(codes: [
        "binagadi", "nasimi", "ganja", "sumgait",
    ])
}

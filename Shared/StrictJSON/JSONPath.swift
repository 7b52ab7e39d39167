/// The path of a value inside a document, written as refusals name fields:
/// `person.address.district`, `family[1].firstName`.
///
/// A key is shown as it is only when it looks like a field name (printable ASCII, at most
/// `maximumKeyLength` bytes); any other key may be personal data or control characters
/// bound for a header or a database column, so it is replaced by a placeholder.
struct JSONPath {
    enum Component {
        case key(String)
        case index(Int)
    }

    static let maximumKeyLength = 64
    /// Longer paths keep their last component only.
    static let maximumLength = 256

    /// Outermost first.
    var components: [Component]

    var description: String {
        var text = ""
        for component in components {
            switch component {
            case .key(let key):
                let shown = Self.isPlain(key) ? key : "<key>"
                text += text.isEmpty ? shown : "." + shown
            case .index(let index):
                text += "[\(index)]"
            }
        }
        guard text.utf8.count > Self.maximumLength, let last = components.last else { return text }
        if case .key = last { return "…." + JSONPath(components: [last]).description }
        return "…" + JSONPath(components: [last]).description
    }

    /// Printable ASCII other than the characters that would make the path ambiguous.
    static func isPlain(_ key: String) -> Bool {
        !key.isEmpty && key.utf8.count <= maximumKeyLength
            && key.utf8.allSatisfy { (0x21...0x7E).contains($0) && $0 != UInt8(ascii: ".") && $0 != UInt8(ascii: "[") }
    }
}

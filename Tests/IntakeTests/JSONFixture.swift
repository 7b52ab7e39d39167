import Foundation

/// A JSON value for building test bodies: objects keep their key order, so tests can
/// write the same content in different orders and spacings, and any path can be
/// replaced or removed.
enum JSONFixture: Sendable, Equatable {
    case string(String)
    case number(Double)
    case bool(Bool)
    case null
    case array([JSONFixture])
    case object([Member])

    struct Member: Sendable, Equatable {
        var key: String
        var value: JSONFixture
    }

    /// One step of a path such as `family[1].birthDate`.
    enum PathStep: Equatable {
        case key(String)
        case index(Int)
    }

    /// The UTF-8 body, compact.
    var bytes: [UInt8] { Array(rendered().utf8) }

    /// JSON text; `spaced` adds insignificant whitespace everywhere it is allowed.
    func rendered(spaced: Bool = false) -> String {
        let gap = spaced ? " \n\t" : ""
        switch self {
        case .string(let text): return Self.quoted(text)
        case .number(let number):
            return number.rounded() == number && abs(number) < 1e15 ? String(Int64(number)) : String(number)
        case .bool(let flag): return flag ? "true" : "false"
        case .null: return "null"
        case .array(let elements):
            return "[" + gap + elements.map { $0.rendered(spaced: spaced) }.joined(separator: gap + "," + gap) + gap + "]"
        case .object(let members):
            let items = members.map { Self.quoted($0.key) + gap + ":" + gap + $0.value.rendered(spaced: spaced) }
            return "{" + gap + items.joined(separator: gap + "," + gap) + gap + "}"
        }
    }

    /// The value at `path`, if there is one.
    func value(at path: String) -> JSONFixture? {
        var current: JSONFixture? = self
        for step in Self.steps(path) {
            switch (step, current) {
            case (.key(let key), .object(let members)?): current = members.first { $0.key == key }?.value
            case (.index(let index), .array(let elements)?): current = elements.indices.contains(index) ? elements[index] : nil
            default: return nil
            }
        }
        return current
    }

    /// A copy with the value at `path` replaced, added (at the end of its object), or
    /// removed when `newValue` is nil. Missing parents are created as objects.
    func setting(_ path: String, to newValue: JSONFixture?) -> JSONFixture {
        Self.set(Self.steps(path)[...], in: self, to: newValue) ?? .null
    }

    /// Every path in the value, parents before children.
    var allPaths: [String] {
        var paths: [String] = []
        func walk(_ value: JSONFixture, _ prefix: String) {
            switch value {
            case .object(let members):
                for member in members {
                    let path = prefix.isEmpty ? member.key : "\(prefix).\(member.key)"
                    paths.append(path)
                    walk(member.value, path)
                }
            case .array(let elements):
                for (index, element) in elements.enumerated() {
                    let path = "\(prefix)[\(index)]"
                    paths.append(path)
                    walk(element, path)
                }
            default:
                break
            }
        }
        walk(self, "")
        return paths
    }

    /// The same content with every object's keys in reverse order.
    var reversingKeys: JSONFixture {
        switch self {
        case .object(let members): .object(members.reversed().map { Member(key: $0.key, value: $0.value.reversingKeys) })
        case .array(let elements): .array(elements.map(\.reversingKeys))
        default: self
        }
    }

    private static func set(_ steps: ArraySlice<PathStep>, in value: JSONFixture, to newValue: JSONFixture?) -> JSONFixture? {
        guard let step = steps.first else { return newValue }
        let rest = steps.dropFirst()
        switch (step, value) {
        case (.key(let key), .object(var members)):
            if let position = members.firstIndex(where: { $0.key == key }) {
                if let updated = set(rest, in: members[position].value, to: newValue) {
                    members[position].value = updated
                } else {
                    members.remove(at: position)
                }
            } else if let created = set(rest, in: .object([]), to: newValue) {
                members.append(Member(key: key, value: created))
            }
            return .object(members)
        case (.index(let index), .array(var elements)) where elements.indices.contains(index):
            if let updated = set(rest, in: elements[index], to: newValue) {
                elements[index] = updated
            } else {
                elements.remove(at: index)
            }
            return .array(elements)
        default:
            return value
        }
    }

    private static func steps(_ path: String) -> [PathStep] {
        var steps: [PathStep] = []
        for part in path.split(separator: ".") {
            var name = Substring(part)
            var indexes: [Int] = []
            while name.hasSuffix("]"), let open = name.lastIndex(of: "[") {
                indexes.insert(Int(name[name.index(after: open)..<name.index(before: name.endIndex)]) ?? 0, at: 0)
                name = name[..<open]
            }
            if !name.isEmpty { steps.append(.key(String(name))) }
            steps.append(contentsOf: indexes.map(PathStep.index))
        }
        return steps
    }

    private static func quoted(_ text: String) -> String {
        var output = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case _ where scalar.value < 0x20: output += String(format: "\\u%04x", scalar.value)
            default: output.unicodeScalars.append(scalar)
            }
        }
        return output + "\""
    }
}

extension JSONFixture: ExpressibleByStringLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByNilLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral
{
    init(stringLiteral value: String) { self = .string(value) }
    init(booleanLiteral value: Bool) { self = .bool(value) }
    init(integerLiteral value: Int) { self = .number(Double(value)) }
    init(floatLiteral value: Double) { self = .number(value) }
    init(nilLiteral: ()) { self = .null }
    init(arrayLiteral elements: JSONFixture...) { self = .array(elements) }
    init(dictionaryLiteral elements: (String, JSONFixture)...) {
        self = .object(elements.map { Member(key: $0.0, value: $0.1) })
    }
}

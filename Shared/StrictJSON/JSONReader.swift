/// A recursive-descent reader of RFC 8259 JSON over bytes already known to be valid UTF-8.
/// Recursion stops at `maximumDepth`, so the stack stays small whatever the input.
struct JSONReader {
    enum Failure: Error {
        case malformed(offset: Int)
        case tooDeep
        /// The duplicated key's path, innermost component first (filled in while unwinding).
        case duplicateKey([JSONPath.Component])
    }

    let bytes: [UInt8]
    let maximumDepth: Int
    private var index = 0
    private var depth = 0

    init(bytes: [UInt8], maximumDepth: Int) {
        self.bytes = bytes
        self.maximumDepth = maximumDepth
    }

    /// The whole text: an object or an array (a bare scalar is refused as not JSON, as
    /// the Foundation-based reader before it did), then nothing but white space.
    mutating func readDocument() throws(Failure) -> JSONValue {
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { index = 3 }
        skipWhitespace()
        guard let first = peek(), first == UInt8(ascii: "{") || first == UInt8(ascii: "[") else { throw malformed() }
        let value = try readValue()
        skipWhitespace()
        guard index == bytes.count else { throw malformed() }
        return value
    }

    private func peek() -> UInt8? { index < bytes.count ? bytes[index] : nil }

    private func malformed() -> Failure { .malformed(offset: index) }

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"): index += 1
            default: return
            }
        }
    }

    private mutating func expect(_ byte: UInt8) throws(Failure) {
        guard peek() == byte else { throw malformed() }
        index += 1
    }

    private mutating func readValue() throws(Failure) -> JSONValue {
        guard let first = peek() else { throw malformed() }
        switch first {
        case UInt8(ascii: "{"): return try readObject()
        case UInt8(ascii: "["): return try readArray()
        case UInt8(ascii: "\""): return .string(try readString())
        case UInt8(ascii: "t"): try readLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try readLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try readLiteral("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try readNumber())
        default: throw malformed()
        }
    }

    /// Steps into an array or object at its opening bracket.
    private mutating func enter() throws(Failure) {
        depth += 1
        guard depth <= maximumDepth else { throw .tooDeep }
        index += 1
        skipWhitespace()
    }

    /// Steps out when `close` is next: true when the array or object ends here.
    private mutating func leave(at close: UInt8) -> Bool {
        guard peek() == close else { return false }
        index += 1
        depth -= 1
        return true
    }

    private mutating func readObject() throws(Failure) -> JSONValue {
        try enter()
        var members: [String: JSONValue] = [:]
        if leave(at: UInt8(ascii: "}")) { return .object(members) }
        while true {
            skipWhitespace()
            guard peek() == UInt8(ascii: "\"") else { throw malformed() }
            let key = try readString()
            skipWhitespace()
            try expect(UInt8(ascii: ":"))
            skipWhitespace()
            let value: JSONValue
            do {
                value = try readValue()
            } catch {
                if case .duplicateKey(let path) = error { throw .duplicateKey(path + [.key(key)]) }
                throw error
            }
            guard members.updateValue(value, forKey: key) == nil else { throw .duplicateKey([.key(key)]) }
            skipWhitespace()
            if leave(at: UInt8(ascii: "}")) { return .object(members) }
            try expect(UInt8(ascii: ","))
        }
    }

    private mutating func readArray() throws(Failure) -> JSONValue {
        try enter()
        var elements: [JSONValue] = []
        if leave(at: UInt8(ascii: "]")) { return .array(elements) }
        while true {
            skipWhitespace()
            do {
                elements.append(try readValue())
            } catch {
                if case .duplicateKey(let path) = error { throw .duplicateKey(path + [.index(elements.count)]) }
                throw error
            }
            skipWhitespace()
            if leave(at: UInt8(ascii: "]")) { return .array(elements) }
            try expect(UInt8(ascii: ","))
        }
    }

    private mutating func readLiteral(_ literal: StaticString) throws(Failure) {
        let count = literal.utf8CodeUnitCount
        let matches = literal.withUTF8Buffer { expected in
            index + count <= bytes.count && bytes[index..<index + count].elementsEqual(expected)
        }
        guard matches else { throw malformed() }
        index += count
    }

    /// `-?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?`, finite as a Double.
    private mutating func readNumber() throws(Failure) -> Double {
        let start = index
        func isDigit(_ byte: UInt8?) -> Bool { byte.map { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) } ?? false }
        if peek() == UInt8(ascii: "-") { index += 1 }
        if peek() == UInt8(ascii: "0") {
            index += 1
        } else {
            guard isDigit(peek()) else { throw malformed() }
            while isDigit(peek()) { index += 1 }
        }
        if peek() == UInt8(ascii: ".") {
            index += 1
            guard isDigit(peek()) else { throw malformed() }
            while isDigit(peek()) { index += 1 }
        }
        if peek() == UInt8(ascii: "e") || peek() == UInt8(ascii: "E") {
            index += 1
            if peek() == UInt8(ascii: "+") || peek() == UInt8(ascii: "-") { index += 1 }
            guard isDigit(peek()) else { throw malformed() }
            while isDigit(peek()) { index += 1 }
        }
        guard let number = Double(String(decoding: bytes[start..<index], as: UTF8.self)), number.isFinite else {
            index = start
            throw malformed()
        }
        return number
    }

    /// A string literal; `index` is at its opening quote. Control characters must be
    /// escaped, and `\u` escapes must form whole scalars (no lone surrogates).
    private mutating func readString() throws(Failure) -> String {
        index += 1
        let start = index
        // Fast path: no escapes, so the bytes are the text.
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                index += 1
                return String(decoding: bytes[start..<index - 1], as: UTF8.self)
            }
            if byte == UInt8(ascii: "\\") { break }
            guard byte >= 0x20 else { throw malformed() }
            index += 1
        }
        var text = String.UnicodeScalarView()
        text.append(contentsOf: String(decoding: bytes[start..<index], as: UTF8.self).unicodeScalars)
        var plainStart = index
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                text.append(contentsOf: String(decoding: bytes[plainStart..<index], as: UTF8.self).unicodeScalars)
                index += 1
                return String(text)
            case UInt8(ascii: "\\"):
                text.append(contentsOf: String(decoding: bytes[plainStart..<index], as: UTF8.self).unicodeScalars)
                text.append(try readEscape())
                plainStart = index
            case 0..<0x20:
                throw malformed()
            default:
                index += 1
            }
        }
        throw malformed()
    }

    /// One escape sequence; `index` is at its backslash.
    private mutating func readEscape() throws(Failure) -> Unicode.Scalar {
        index += 1
        guard let letter = peek() else { throw malformed() }
        index += 1
        switch letter {
        case UInt8(ascii: "\""): return "\""
        case UInt8(ascii: "\\"): return "\\"
        case UInt8(ascii: "/"): return "/"
        case UInt8(ascii: "b"): return "\u{08}"
        case UInt8(ascii: "f"): return "\u{0C}"
        case UInt8(ascii: "n"): return "\n"
        case UInt8(ascii: "r"): return "\r"
        case UInt8(ascii: "t"): return "\t"
        case UInt8(ascii: "u"):
            let first = try readHexQuad()
            switch first {
            case 0xD800...0xDBFF:
                guard peek() == UInt8(ascii: "\\"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "u") else {
                    throw malformed()
                }
                index += 2
                let second = try readHexQuad()
                guard (0xDC00...0xDFFF).contains(second),
                      let scalar = Unicode.Scalar(0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00))
                else { throw malformed() }
                return scalar
            default:
                // A lone low surrogate has no scalar.
                guard let scalar = Unicode.Scalar(first) else { throw malformed() }
                return scalar
            }
        default:
            index -= 1
            throw malformed()
        }
    }

    private mutating func readHexQuad() throws(Failure) -> UInt32 {
        guard index + 4 <= bytes.count else { throw malformed() }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw malformed()
            }
            value = value << 4 | UInt32(digit)
            index += 1
        }
        return value
    }
}

import AMQP
import Foundation

/// Message headers as JSON, for the outbox's `headers` column. Each value keeps its
/// kind (`{"s": …}`, `{"i": …}`, `{"b": …}`) so it is published exactly as written.
enum HeaderCoding {
    private struct Value: Codable {
        var s: String?
        var i: Int64?
        var b: Bool?
    }

    static func encode(_ headers: [String: AMQPFieldValue]) -> String {
        let values = headers.mapValues { value -> Value in
            switch value {
            case .string(let text): Value(s: text)
            case .int(let number): Value(i: number)
            case .bool(let flag): Value(b: flag)
            }
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        guard let data = try? encoder.encode(values) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }

    static func decode(_ json: String) -> [String: AMQPFieldValue] {
        guard let values = try? JSONDecoder().decode([String: Value].self, from: Data(json.utf8)) else { return [:] }
        return values.compactMapValues { value in
            if let text = value.s { return .string(text) }
            if let number = value.i { return .int(number) }
            if let flag = value.b { return .bool(flag) }
            return nil
        }
    }
}

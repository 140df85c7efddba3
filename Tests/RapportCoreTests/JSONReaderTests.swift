import Foundation
import Testing

@testable import RapportCore

@Suite("Reading an import line's JSON")
struct JSONReaderTests {
    /// What `JSONSerialization` makes of `text`, as a `JSONValue`: the oracle.
    static func oracle(_ text: String) -> JSONValue? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
        else { return nil }
        return convert(object)
    }

    private static func convert(_ object: Any) -> JSONValue? {
        switch object {
        case is NSNull: return .null
        case let text as String: return .string(text)
        case let number as NSNumber:
            return type(of: number) == type(of: NSNumber(value: true))
                ? .bool(number.boolValue) : .number(number.doubleValue)
        case let array as [Any]:
            let values = array.compactMap(convert)
            return values.count == array.count ? .array(values) : nil
        case let dictionary as [String: Any]:
            var fields: [String: JSONValue] = [:]
            for (key, value) in dictionary {
                guard let converted = convert(value) else { return nil }
                fields[key] = converted
            }
            return .object(JSONObject(fields))
        default: return nil
        }
    }

    /// A random JSON text: nested objects and arrays, escapes, non-ASCII, numbers.
    static func document(_ random: inout SplitMix64, depth: Int = 0) -> String {
        let pieces = ["a", "é", "\\\"", "\\\\", "\\/", "\\n", "\\t", "\\u00e9", "\\ud83d\\ude00", "中", " ", "😀"]
        func string() -> String {
            "\""
                + (0..<Int(random.next() % 5)).map { _ in pieces[Int(random.next() % UInt64(pieces.count))] }
                .joined() + "\""
        }
        switch depth > 3 ? random.next() % 5 : random.next() % 7 {
        case 0: return "null"
        case 1: return random.next() % 2 == 0 ? "true" : "false"
        case 2: return ["0", "-0", "12", "-3.25", "1e3", "2.5E-2", "123456789"][Int(random.next() % 7)]
        case 3, 4: return string()
        case 5:
            return "[ "
                + (0..<Int(random.next() % 4)).map { _ in document(&random, depth: depth + 1) }
                .joined(separator: " ,") + "]"
        default:
            return "{"
                + (0..<Int(random.next() % 4)).map { n in
                    "\"k\(n)\" : " + document(&random, depth: depth + 1)
                }.joined(separator: ",") + " }"
        }
    }

    @Test("Reads every value JSONSerialization reads, to the same value (2,000 random documents)")
    func agreesWithFoundation() {
        var random = SplitMix64(seed: 15)
        for _ in 0..<2_000 {
            let text = Self.document(&random)
            #expect(JSONReader.parse(text) == Self.oracle(text), "\(text)")
        }
    }

    @Test(
        "Refuses what is not one JSON value",
        arguments: [
            "", " ", "{", "}", "[1,]", "[,1]", "{\"a\":1,}", "{\"a\" 1}", "{a:1}", "01", "1.", ".5", "-", "+1",
            "1e", "tru", "nul", "falsey", "1 2", "{} {}", "\"open", "\"\u{01}\"", "\"\\x\"", "\"\\u12\"",
            "\"\\ud800\"", "\"\\udc00\"", "'single'", "NaN", "Infinity",
        ])
    func refuses(_ text: String) {
        #expect(JSONReader.parse(text) == nil, "\(text)")
    }

    @Test("A key given twice means its last value; objects are equal whatever their keys' order")
    func repeatedKeys() throws {
        let value = try #require(JSONReader.parse(#"{"a":1,"b":2,"a":3}"#))
        guard case .object(let object) = value else {
            Issue.record("\(value) is not an object")
            return
        }
        #expect(object["a"] == .number(3))
        #expect(object.keys == ["a", "b"])
        #expect(JSONReader.parse(#"{"b":2,"a":3}"#) == value)
        #expect(JSONReader.parse(#"{"b":2,"a":1}"#) != value)
        #expect(JSONReader.parse(#"{"b":2}"#) != value)
    }

    @Test("Nesting deeper than 512 is refused, not recursed into")
    func depth() {
        #expect(JSONReader.parse(String(repeating: "[", count: 511) + String(repeating: "]", count: 511)) != nil)
        #expect(JSONReader.parse(String(repeating: "[", count: 100_000)) == nil)
    }
}

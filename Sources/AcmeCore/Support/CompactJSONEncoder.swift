#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Encodes exactly the bytes `JSONCoding.encoder()` produces (sorted keys, unescaped slashes, ISO-8601
/// timestamps), with less work per value.
///
/// Every write request encodes its response and its events; JSONEncoder's generic boxing and per-value type
/// checks were a tenth of a document create's CPU. Scalars here go straight to bytes and only objects keep
/// their members until their keys are sorted. Floating-point numbers, rare in Acme's payloads, are formatted
/// by JSONEncoder itself so that they stay identical.
public enum CompactJSONEncoder {
    public static func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(256)
        try Node.of(value).write(to: &output)
        return output
    }
}

private indirect enum Node {
    case scalar([UInt8])
    case object(Members)
    case array(Items)
    /// A container asked for but never filled: `{}` as JSONEncoder writes it.
    case empty

    final class Members {
        var entries: [(key: String, value: Node)] = []
    }

    final class Items {
        var values: [Node] = []
    }

    static func of<T: Encodable>(_ value: T) throws -> Node {
        // Exact type checks are pointer comparisons; `as?` casts would cost more than most values' encoding.
        if T.self == String.self { return .scalar(string(value as! String)) }
        if T.self == Date.self { return .scalar(string(Timestamp.format(value as! Date))) }
        // Types JSONEncoder writes its own way, whatever their `Encodable` conformance says.
        if T.self == Data.self { return .scalar(string((value as! Data).base64EncodedString())) }
        if T.self == URL.self { return .scalar(string((value as! URL).absoluteString)) }
        if T.self == Double.self || T.self == Float.self || T.self == Decimal.self {
            return .scalar(Array(try JSONCoding.encoder().encode(value)))
        }
        let encoder = NodeEncoder()
        try value.encode(to: encoder)
        return encoder.node ?? .empty
    }

    static func string(_ value: String) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(value.utf8.count + 2)
        appendString(value, to: &bytes)
        return bytes
    }

    static func appendString(_ value: String, to output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""): output += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
            case UInt8(ascii: "\\"): output += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
            case 0x08: output += [UInt8(ascii: "\\"), UInt8(ascii: "b")]
            case 0x09: output += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
            case 0x0A: output += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
            case 0x0C: output += [UInt8(ascii: "\\"), UInt8(ascii: "f")]
            case 0x0D: output += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                output += [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
            default: output.append(byte)
            }
        }
        output.append(UInt8(ascii: "\""))
    }

    func write(to output: inout [UInt8]) {
        switch self {
        case .scalar(let bytes): output += bytes
        case .empty: output += [UInt8(ascii: "{"), UInt8(ascii: "}")]
        case .array(let items):
            output.append(UInt8(ascii: "["))
            for (index, item) in items.values.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                item.write(to: &output)
            }
            output.append(UInt8(ascii: "]"))
        case .object(let members):
            // Sorted by key; of repeated keys the last value wins, as in JSONEncoder's dictionary.
            var latest: [String: Int] = [:]
            for (index, entry) in members.entries.enumerated() { latest[entry.key] = index }
            let order = latest.sorted { $0.key < $1.key }
            output.append(UInt8(ascii: "{"))
            for (position, (key, index)) in order.enumerated() {
                if position > 0 { output.append(UInt8(ascii: ",")) }
                Node.appendString(key, to: &output)
                output.append(UInt8(ascii: ":"))
                members.entries[index].value.write(to: &output)
            }
            output.append(UInt8(ascii: "}"))
        }
    }
}

private final class NodeEncoder: Encoder {
    var codingPath: [any CodingKey] = []
    var userInfo: [CodingUserInfoKey: Any] { [:] }
    var node: Node?

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        if case .object(let members)? = node { return KeyedEncodingContainer(KeyedNodeContainer(members: members)) }
        let members = Node.Members()
        node = .object(members)
        return KeyedEncodingContainer(KeyedNodeContainer(members: members))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        if case .array(let items)? = node { return UnkeyedNodeContainer(items: items) }
        let items = Node.Items()
        node = .array(items)
        return UnkeyedNodeContainer(items: items)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer { SingleNodeContainer(encoder: self) }
}

private struct KeyedNodeContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let members: Node.Members
    var codingPath: [any CodingKey] { [] }

    private func put(_ node: Node, _ key: Key) { members.entries.append((key.stringValue, node)) }
    private func text(_ value: some CustomStringConvertible) -> Node { .scalar(Array(value.description.utf8)) }

    mutating func encodeNil(forKey key: Key) throws { put(.scalar(Array("null".utf8)), key) }
    mutating func encode(_ value: Bool, forKey key: Key) throws { put(text(value), key) }
    mutating func encode(_ value: String, forKey key: Key) throws { put(.scalar(Node.string(value)), key) }
    mutating func encode(_ value: Int, forKey key: Key) throws { put(text(value), key) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { put(text(value), key) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { put(text(value), key) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { put(text(value), key) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { put(text(value), key) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { put(text(value), key) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { put(text(value), key) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { put(text(value), key) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { put(text(value), key) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { put(text(value), key) }
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws { put(try Node.of(value), key) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        let nested = Node.Members()
        put(.object(nested), key)
        return KeyedEncodingContainer(KeyedNodeContainer<NestedKey>(members: nested))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        let nested = Node.Items()
        put(.array(nested), key)
        return UnkeyedNodeContainer(items: nested)
    }

    mutating func superEncoder() -> any Encoder { superEncoder(named: "super") }
    mutating func superEncoder(forKey key: Key) -> any Encoder { superEncoder(named: key.stringValue) }

    private func superEncoder(named key: String) -> any Encoder {
        let index = members.entries.count
        members.entries.append((key, .empty))
        return DeferredEncoder(encoder: NodeEncoder()) { [members] node in members.entries[index].value = node }
    }
}

private struct UnkeyedNodeContainer: UnkeyedEncodingContainer {
    let items: Node.Items
    var codingPath: [any CodingKey] { [] }
    var count: Int { items.values.count }

    mutating func encodeNil() throws { items.values.append(.scalar(Array("null".utf8))) }
    mutating func encode(_ value: String) throws { items.values.append(.scalar(Node.string(value))) }
    mutating func encode(_ value: Bool) throws { items.values.append(.scalar(Array(value.description.utf8))) }
    mutating func encode(_ value: Int) throws { items.values.append(.scalar(Array(value.description.utf8))) }
    mutating func encode(_ value: Int64) throws { items.values.append(.scalar(Array(value.description.utf8))) }
    mutating func encode<T: Encodable>(_ value: T) throws { items.values.append(try Node.of(value)) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        let nested = Node.Members()
        items.values.append(.object(nested))
        return KeyedEncodingContainer(KeyedNodeContainer<NestedKey>(members: nested))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let nested = Node.Items()
        items.values.append(.array(nested))
        return UnkeyedNodeContainer(items: nested)
    }

    mutating func superEncoder() -> any Encoder {
        let index = items.values.count
        items.values.append(.empty)
        return DeferredEncoder(encoder: NodeEncoder()) { [items] node in items.values[index] = node }
    }
}

private struct SingleNodeContainer: SingleValueEncodingContainer {
    let encoder: NodeEncoder
    var codingPath: [any CodingKey] { [] }

    mutating func encodeNil() throws { encoder.node = .scalar(Array("null".utf8)) }
    mutating func encode(_ value: String) throws { encoder.node = .scalar(Node.string(value)) }
    mutating func encode(_ value: Bool) throws { encoder.node = .scalar(Array(value.description.utf8)) }
    mutating func encode(_ value: Int) throws { encoder.node = .scalar(Array(value.description.utf8)) }
    mutating func encode(_ value: Int64) throws { encoder.node = .scalar(Array(value.description.utf8)) }
    mutating func encode<T: Encodable>(_ value: T) throws { encoder.node = try Node.of(value) }
}

/// A `superEncoder()`: what is encoded through it replaces its placeholder member or element.
private struct DeferredEncoder: Encoder {
    let encoder: NodeEncoder
    let store: (Node) -> Void

    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        let container = encoder.container(keyedBy: type)
        store(encoder.node ?? .empty)
        return container
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        let container = encoder.unkeyedContainer()
        store(encoder.node ?? .empty)
        return container
    }

    func singleValueContainer() -> any SingleValueEncodingContainer { DeferredSingleContainer(encoder: encoder, store: store) }
}

private struct DeferredSingleContainer: SingleValueEncodingContainer {
    let encoder: NodeEncoder
    let store: (Node) -> Void
    var codingPath: [any CodingKey] { [] }

    private mutating func set(_ node: Node) {
        encoder.node = node
        store(node)
    }

    mutating func encodeNil() throws { set(.scalar(Array("null".utf8))) }
    mutating func encode(_ value: String) throws { set(.scalar(Node.string(value))) }
    mutating func encode(_ value: Bool) throws { set(.scalar(Array(value.description.utf8))) }
    mutating func encode(_ value: Int) throws { set(.scalar(Array(value.description.utf8))) }
    mutating func encode<T: Encodable>(_ value: T) throws { set(try Node.of(value)) }
}

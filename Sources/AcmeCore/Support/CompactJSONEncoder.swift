#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Encodes exactly the bytes `JSONCoding.encoder()` produces (sorted keys, unescaped slashes, ISO-8601
/// timestamps), with less work per value.
///
/// Every write request encodes its response and its events; JSONEncoder's generic boxing and per-value type
/// checks were a tenth of a document create's CPU. Scalars here go straight to bytes in one buffer and only
/// objects keep their members until their keys are sorted. Floating-point numbers, rare in Acme's payloads, are
/// formatted by JSONEncoder itself so that they stay identical.
public enum CompactJSONEncoder {
    public static func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        let scratch = Scratch()
        let node = try Node.of(value, scratch)
        var output: [UInt8] = []
        output.reserveCapacity(scratch.bytes.count + 64)
        node.write(to: &output, from: scratch.bytes)
        return output
    }
}

/// The bytes of every scalar of one encoding, written once as they are encoded; nodes refer to their range, so a
/// scalar costs no allocation of its own.
private final class Scratch {
    var bytes: [UInt8] = []

    init() { bytes.reserveCapacity(512) }

    func scalar(_ write: (inout [UInt8]) -> Void) -> Node {
        let start = bytes.count
        write(&bytes)
        return .scalar(start..<bytes.count)
    }

    func text(_ value: some CustomStringConvertible) -> Node { scalar { $0 += value.description.utf8 } }
    func string(_ value: String) -> Node { scalar { Node.appendString(value, to: &$0) } }
    var null: Node { scalar { $0 += "null".utf8 } }
}

private indirect enum Node {
    case scalar(Range<Int>)
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

    static func of<T: Encodable>(_ value: T, _ scratch: Scratch) throws -> Node {
        // Exact type checks are pointer comparisons; `as?` casts would cost more than most values' encoding.
        if T.self == String.self { return scratch.string(value as! String) }
        if T.self == Date.self { return scratch.string(Timestamp.format(value as! Date)) }
        // Types JSONEncoder writes its own way, whatever their `Encodable` conformance says.
        if T.self == Data.self { return scratch.string((value as! Data).base64EncodedString()) }
        if T.self == URL.self { return scratch.string((value as! URL).absoluteString) }
        if T.self == Double.self || T.self == Float.self || T.self == Decimal.self {
            let json = try JSONCoding.encoder().encode(value)
            return scratch.scalar { $0 += json }
        }
        let encoder = NodeEncoder(scratch)
        try value.encode(to: encoder)
        return encoder.node ?? .empty
    }

    static func appendString(_ value: String, to output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        guard value.utf8.contains(where: JSONText.needsEscape) else {
            output += value.utf8
            output.append(UInt8(ascii: "\""))
            return
        }
        for byte in value.utf8 {
            let escaped: UInt8
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"): escaped = byte
            case 0x08: escaped = UInt8(ascii: "b")
            case 0x09: escaped = UInt8(ascii: "t")
            case 0x0A: escaped = UInt8(ascii: "n")
            case 0x0C: escaped = UInt8(ascii: "f")
            case 0x0D: escaped = UInt8(ascii: "r")
            case 0..<0x20:
                output += "\\u00".utf8
                output.append(hexDigit(byte >> 4))
                output.append(hexDigit(byte & 0xF))
                continue
            default:
                output.append(byte)
                continue
            }
            output.append(UInt8(ascii: "\\"))
            output.append(escaped)
        }
        output.append(UInt8(ascii: "\""))
    }

    private static func hexDigit(_ value: UInt8) -> UInt8 {
        value < 10 ? UInt8(ascii: "0") + value : UInt8(ascii: "a") + value - 10
    }

    func write(to output: inout [UInt8], from scratch: [UInt8]) {
        switch self {
        case .scalar(let range): output += scratch[range]
        case .empty: output += [UInt8(ascii: "{"), UInt8(ascii: "}")]
        case .array(let items):
            output.append(UInt8(ascii: "["))
            for (index, item) in items.values.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                item.write(to: &output, from: scratch)
            }
            output.append(UInt8(ascii: "]"))
        case .object(let members):
            // Sorted by key; of repeated keys the last value wins, as in JSONEncoder's dictionary. Sorting the
            // positions (stable by position for equal keys) costs less than a dictionary of keys per object.
            let entries = members.entries
            let order = entries.indices.sorted { a, b in
                entries[a].key != entries[b].key ? entries[a].key < entries[b].key : a < b
            }
            output.append(UInt8(ascii: "{"))
            var first = true
            for (position, index) in order.enumerated()
            where position == order.count - 1 || entries[order[position + 1]].key != entries[index].key {
                if !first { output.append(UInt8(ascii: ",")) }
                first = false
                Node.appendString(entries[index].key, to: &output)
                output.append(UInt8(ascii: ":"))
                entries[index].value.write(to: &output, from: scratch)
            }
            output.append(UInt8(ascii: "}"))
        }
    }
}

private final class NodeEncoder: Encoder {
    let scratch: Scratch
    var codingPath: [any CodingKey] = []
    var userInfo: [CodingUserInfoKey: Any] { [:] }
    var node: Node?

    init(_ scratch: Scratch) { self.scratch = scratch }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        if case .object(let members)? = node { return KeyedEncodingContainer(KeyedNodeContainer(members: members, scratch: scratch)) }
        let members = Node.Members()
        node = .object(members)
        return KeyedEncodingContainer(KeyedNodeContainer(members: members, scratch: scratch))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        if case .array(let items)? = node { return UnkeyedNodeContainer(items: items, scratch: scratch) }
        let items = Node.Items()
        node = .array(items)
        return UnkeyedNodeContainer(items: items, scratch: scratch)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer { SingleNodeContainer(encoder: self) }
}

private struct KeyedNodeContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let members: Node.Members
    let scratch: Scratch
    var codingPath: [any CodingKey] { [] }

    private func put(_ node: Node, _ key: Key) { members.entries.append((key.stringValue, node)) }

    mutating func encodeNil(forKey key: Key) throws { put(scratch.null, key) }
    mutating func encode(_ value: Bool, forKey key: Key) throws { put(scratch.text(value), key) }
    mutating func encode(_ value: String, forKey key: Key) throws { put(scratch.string(value), key) }
    mutating func encode(_ value: Int, forKey key: Key) throws { put(scratch.text(value), key) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { put(scratch.text(value), key) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { put(scratch.text(value), key) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { put(scratch.text(value), key) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { put(scratch.text(value), key) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { put(scratch.text(value), key) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { put(scratch.text(value), key) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { put(scratch.text(value), key) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { put(scratch.text(value), key) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { put(scratch.text(value), key) }
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws { put(try Node.of(value, scratch), key) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        let nested = Node.Members()
        put(.object(nested), key)
        return KeyedEncodingContainer(KeyedNodeContainer<NestedKey>(members: nested, scratch: scratch))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        let nested = Node.Items()
        put(.array(nested), key)
        return UnkeyedNodeContainer(items: nested, scratch: scratch)
    }

    mutating func superEncoder() -> any Encoder { superEncoder(named: "super") }
    mutating func superEncoder(forKey key: Key) -> any Encoder { superEncoder(named: key.stringValue) }

    private func superEncoder(named key: String) -> any Encoder {
        let index = members.entries.count
        members.entries.append((key, .empty))
        return DeferredEncoder(encoder: NodeEncoder(scratch)) { [members] node in members.entries[index].value = node }
    }
}

private struct UnkeyedNodeContainer: UnkeyedEncodingContainer {
    let items: Node.Items
    let scratch: Scratch
    var codingPath: [any CodingKey] { [] }
    var count: Int { items.values.count }

    mutating func encodeNil() throws { items.values.append(scratch.null) }
    mutating func encode(_ value: String) throws { items.values.append(scratch.string(value)) }
    mutating func encode(_ value: Bool) throws { items.values.append(scratch.text(value)) }
    mutating func encode(_ value: Int) throws { items.values.append(scratch.text(value)) }
    mutating func encode(_ value: Int64) throws { items.values.append(scratch.text(value)) }
    mutating func encode<T: Encodable>(_ value: T) throws { items.values.append(try Node.of(value, scratch)) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        let nested = Node.Members()
        items.values.append(.object(nested))
        return KeyedEncodingContainer(KeyedNodeContainer<NestedKey>(members: nested, scratch: scratch))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let nested = Node.Items()
        items.values.append(.array(nested))
        return UnkeyedNodeContainer(items: nested, scratch: scratch)
    }

    mutating func superEncoder() -> any Encoder {
        let index = items.values.count
        items.values.append(.empty)
        return DeferredEncoder(encoder: NodeEncoder(scratch)) { [items] node in items.values[index] = node }
    }
}

private struct SingleNodeContainer: SingleValueEncodingContainer {
    let encoder: NodeEncoder
    var codingPath: [any CodingKey] { [] }

    mutating func encodeNil() throws { encoder.node = encoder.scratch.null }
    mutating func encode(_ value: String) throws { encoder.node = encoder.scratch.string(value) }
    mutating func encode(_ value: Bool) throws { encoder.node = encoder.scratch.text(value) }
    mutating func encode(_ value: Int) throws { encoder.node = encoder.scratch.text(value) }
    mutating func encode(_ value: Int64) throws { encoder.node = encoder.scratch.text(value) }
    mutating func encode<T: Encodable>(_ value: T) throws { encoder.node = try Node.of(value, encoder.scratch) }
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

    mutating func encodeNil() throws { set(encoder.scratch.null) }
    mutating func encode(_ value: String) throws { set(encoder.scratch.string(value)) }
    mutating func encode(_ value: Bool) throws { set(encoder.scratch.text(value)) }
    mutating func encode(_ value: Int) throws { set(encoder.scratch.text(value)) }
    mutating func encode<T: Encodable>(_ value: T) throws { set(try Node.of(value, encoder.scratch)) }
}

/// Writes an Avro Object Container File: the magic `Obj\u{1}`, a metadata map holding `avro.schema` and
/// `avro.codec`, a 16-byte sync marker, then blocks of (object count, byte size, objects, sync marker).
public struct AvroContainerWriter: Sendable {
    /// The magic bytes every container file starts with.
    static let magic: [UInt8] = [0x4F, 0x62, 0x6A, 0x01]

    public let schema: AvroSchema
    public let codec: AvroCodec
    public let syncMarker: [UInt8]
    /// Uncompressed bytes collected before a block is written.
    public let blockSize: Int
    private let encoder: AvroEncoder
    private var output = AvroBinaryWriter()
    private var block: [UInt8] = []
    private var blockCount = 0

    /// - Parameters:
    ///   - metadata: extra header entries; keys starting with `avro.` are reserved.
    ///   - syncMarker: 16 bytes; random when nil.
    public init(
        schema: AvroSchema, codec: AvroCodec = .null, metadata: [String: [UInt8]] = [:], syncMarker: [UInt8]? = nil,
        blockSize: Int = 64 * 1024
    ) throws(AvroError) {
        if let reserved = metadata.keys.first(where: { $0.hasPrefix("avro.") }) {
            throw .invalidContainer("the metadata key \(reserved) is reserved")
        }
        var generator = SystemRandomNumberGenerator()
        let marker = syncMarker ?? (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }
        guard marker.count == 16 else { throw .invalidContainer("a sync marker has 16 bytes, not \(marker.count)") }
        self.schema = schema
        self.codec = codec
        self.syncMarker = marker
        self.blockSize = max(1, blockSize)
        self.encoder = try AvroEncoder(schema: schema)

        var header = metadata
        header["avro.schema"] = Array(schema.jsonText.utf8)
        header["avro.codec"] = Array(codec.rawValue.utf8)
        output.writeFixed(Self.magic)
        output.writeLong(Int64(header.count))
        for (key, value) in header.sorted(by: { $0.key < $1.key }) {
            output.writeString(key)
            output.writeBytes(value)
        }
        output.writeLong(0)
        output.writeFixed(marker)
    }

    /// Adds a value; a full block is compressed and written.
    public mutating func append(_ value: AvroValue) throws(AvroError) {
        block.append(contentsOf: try encoder.encode(value))
        blockCount += 1
        if block.count >= blockSize { try flush() }
    }

    public mutating func append(contentsOf values: some Sequence<AvroValue>) throws(AvroError) {
        for value in values { try append(value) }
    }

    /// Writes the pending block and returns the whole file.
    public mutating func finish() throws(AvroError) -> [UInt8] {
        try flush()
        return output.bytes
    }

    /// A complete file holding `values`.
    public static func write(
        _ values: some Sequence<AvroValue>, schema: AvroSchema, codec: AvroCodec = .null
    ) throws(AvroError) -> [UInt8] {
        var writer = try AvroContainerWriter(schema: schema, codec: codec)
        try writer.append(contentsOf: values)
        return try writer.finish()
    }

    private mutating func flush() throws(AvroError) {
        guard blockCount > 0 else { return }
        let data = try codec.compress(block)
        output.writeLong(Int64(blockCount))
        output.writeBytes(data)
        output.writeFixed(syncMarker)
        block.removeAll(keepingCapacity: true)
        blockCount = 0
    }
}

/// Reads an Avro Object Container File, checking its magic, header, every block's bounds and sync marker.
public struct AvroContainerReader: Sendable {
    /// The schema the file was written with (its `avro.schema`).
    public let writerSchema: AvroSchema
    public let codec: AvroCodec
    /// All header entries, including `avro.schema` and `avro.codec`.
    public let metadata: [String: [UInt8]]
    public let syncMarker: [UInt8]
    private let decoder: AvroDecoder
    private let bytes: [UInt8]
    private let dataStart: Int
    private let maxBlockSize: Int

    /// Reads the header.
    /// - Parameters:
    ///   - readerSchema: the schema to return values in, resolved from the writer's; the writer's when nil.
    ///   - maxBlockSize: the largest uncompressed block accepted.
    public init(bytes: [UInt8], readerSchema: AvroSchema? = nil, maxBlockSize: Int = 64 << 20) throws(AvroError) {
        var reader = AvroBinaryReader(bytes)
        guard bytes.count >= 4, try reader.readFixed(4) == AvroContainerWriter.magic else {
            throw .invalidContainer("the file does not start with Obj\\u0001")
        }
        var metadata: [String: [UInt8]] = [:]
        do throws(AvroError) {
            while true {
                var count = try reader.readLong()
                if count == 0 { break }
                if count < 0 {
                    guard count != Int64.min else { throw AvroError.invalidLength("metadata block count") }
                    count = -count
                    _ = try reader.readLength("metadata block")
                }
                guard count <= Int64(reader.remaining) else { throw AvroError.invalidLength("metadata count \(count)") }
                for _ in 0..<count { metadata[try reader.readString()] = try reader.readBytes() }
            }
        } catch {
            throw .invalidContainer("bad metadata: \(error)")
        }
        guard let schemaBytes = metadata["avro.schema"], let schemaText = String(validating: schemaBytes, as: UTF8.self) else {
            throw .invalidContainer("no avro.schema in the metadata")
        }
        let codecName = metadata["avro.codec"].map { String(decoding: $0, as: UTF8.self) } ?? "null"
        guard let codec = AvroCodec(rawValue: codecName) else { throw .codec("unsupported codec \"\(codecName)\"") }
        guard reader.remaining >= 16 else { throw .invalidContainer("the header ends before the sync marker") }
        self.syncMarker = try reader.readFixed(16)
        let writerSchema = try AvroSchema(parsing: schemaText)
        if let readerSchema {
            self.decoder = try AvroDecoder(writer: writerSchema, reader: readerSchema)
        } else {
            self.decoder = try AvroDecoder(schema: writerSchema)
        }
        self.writerSchema = writerSchema
        self.codec = codec
        self.metadata = metadata
        self.bytes = bytes
        self.dataStart = reader.offset
        self.maxBlockSize = maxBlockSize
    }

    /// The schema values are returned in.
    public var readerSchema: AvroSchema { decoder.readerSchema }

    /// Every value in the file, in order.
    public func values() throws(AvroError) -> [AvroValue] {
        var values: [AvroValue] = []
        try forEach { value throws(AvroError) in values.append(value) }
        return values
    }

    /// Calls `body` with every value in the file, one block in memory at a time.
    public func forEach(_ body: (AvroValue) throws(AvroError) -> Void) throws(AvroError) {
        var reader = AvroBinaryReader(bytes, from: dataStart)
        while !reader.isAtEnd {
            let blockOffset = reader.offset
            do throws(AvroError) {
                let count = try reader.readLong()
                guard count >= 0 else { throw AvroError.invalidLength("negative object count \(count)") }
                let size = try reader.readLength("block")
                let data = try codec.decompress(try reader.readFixed(size), limit: maxBlockSize)
                guard count <= Int64(data.count) || count <= Int64(decoder.maxZeroSizeItems) else {
                    throw AvroError.invalidLength("\(count) objects in a block of \(data.count) bytes")
                }
                var blockReader = AvroBinaryReader(data)
                var budget = decoder.maxZeroSizeItems
                for index in 0..<count {
                    do throws(AvroError) {
                        try body(try decoder.decode(from: &blockReader, zeroSizeBudget: &budget))
                    } catch {
                        throw error.located(at: String(index))
                    }
                }
                guard blockReader.isAtEnd else { throw AvroError.trailingBytes(blockReader.remaining) }
                guard reader.remaining >= 16 else { throw AvroError.truncated("the block ends before its sync marker") }
                guard try reader.readFixed(16) == syncMarker else {
                    throw AvroError.invalidContainer("the sync marker does not match the header's")
                }
            } catch {
                throw error.located(at: "block@\(blockOffset)")
            }
        }
    }
}

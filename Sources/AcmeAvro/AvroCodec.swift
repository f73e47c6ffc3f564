import CZlib

/// How a container file's blocks are compressed.
public enum AvroCodec: String, Sendable, CaseIterable {
    /// Uncompressed.
    case null
    /// Raw deflate (RFC 1951, no zlib header or checksum).
    case deflate

    func compress(_ input: [UInt8]) throws(AvroError) -> [UInt8] {
        switch self {
        case .null: return input
        case .deflate: return try Self.deflate(input)
        }
    }

    /// Decompresses a block, refusing output larger than `limit` (a small block must not expand into gigabytes).
    func decompress(_ input: [UInt8], limit: Int) throws(AvroError) -> [UInt8] {
        switch self {
        case .null: return input
        case .deflate: return try Self.inflate(input, limit: limit)
        }
    }

    private static func deflate(_ input: [UInt8]) throws(AvroError) -> [UInt8] {
        var stream = z_stream()
        guard deflateInit2_(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY,
                            zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw .codec("deflateInit2 failed")
        }
        defer { deflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(input.count))))
        let status = input.withUnsafeBufferPointer { source in
            output.withUnsafeMutableBufferPointer { destination in
                stream.next_in = UnsafeMutablePointer(mutating: source.baseAddress)
                stream.avail_in = uInt(source.count)
                stream.next_out = destination.baseAddress
                stream.avail_out = uInt(destination.count)
                return CZlib.deflate(&stream, Z_FINISH)
            }
        }
        guard status == Z_STREAM_END else { throw .codec("deflate failed with status \(status)") }
        output.removeLast(output.count - Int(stream.total_out))
        return output
    }

    private static func inflate(_ input: [UInt8], limit: Int) throws(AvroError) -> [UInt8] {
        var stream = z_stream()
        guard inflateInit2_(&stream, -15, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw .codec("inflateInit2 failed")
        }
        defer { inflateEnd(&stream) }
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        var status = Z_OK
        input.withUnsafeBufferPointer { source in
            stream.next_in = UnsafeMutablePointer(mutating: source.baseAddress)
            stream.avail_in = uInt(source.count)
            repeat {
                let produced: Int = chunk.withUnsafeMutableBufferPointer { destination in
                    stream.next_out = destination.baseAddress
                    stream.avail_out = uInt(destination.count)
                    status = CZlib.inflate(&stream, Z_NO_FLUSH)
                    return destination.count - Int(stream.avail_out)
                }
                output.append(contentsOf: chunk[0..<produced])
            } while status == Z_OK && output.count <= limit && (stream.avail_in > 0 || stream.avail_out == 0)
        }
        guard output.count <= limit else { throw .codec("a deflate block expands beyond \(limit) bytes") }
        guard status == Z_STREAM_END else {
            throw .codec(status == Z_OK || status == Z_BUF_ERROR ? "truncated deflate data" : "corrupt deflate data (zlib status \(status))")
        }
        // Bytes after the end of the deflate stream are ignored, as Java's and Python's readers do: fastavro
        // writes `zlib.compress(data)[2:-1]`, which leaves three bytes of the zlib checksum behind.
        return output
    }
}

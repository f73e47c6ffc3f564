/// Avro to JSON: null fields as `nullFields` says, discriminators checked against their variants.
extension AvroJSONBridge {
    func toJSON(_ value: AvroValue, _ schema: AvroSchema, embedded: Bool, topLevel: Bool, depth: Int) throws(AvroError) -> JSONValue {
        guard depth < Self.maxDepth else { throw .depthLimitExceeded(Self.maxDepth) }
        let base = try names.base(schema)
        switch (base, value) {
        case (.union(let branches), .union(let index, let branchValue)):
            guard branches.indices.contains(index) else { throw .invalidIndex("union branch \(index) of \(branches.count)") }
            return try toJSON(branchValue, branches[index], embedded: embedded, topLevel: false, depth: depth + 1)
        case (.string, .string(let text)) where embedded:
            return try JSONValue(parsing: text)
        case (.null, .null): return .null
        case (.boolean, .boolean(let value)): return .bool(value)
        case (.int, .int(let value)): return .int(Int64(value))
        case (.long, .long(let value)):
            guard let units = Self.timestampUnits(schema) else { return .int(value) }
            guard let text = AvroTimestamp.format(value, unitsPerSecond: units) else {
                throw .valueMismatch("timestamp \(value) is outside years 0–9999")
            }
            return .string(text)
        case (.float, .float(let value)):
            return value.isFinite ? .double(Double(String(value)) ?? Double(value)) : .string(Self.nonFinite(Double(value)))
        case (.double, .double(let value)):
            return value.isFinite ? .double(value) : .string(Self.nonFinite(value))
        case (.string, .string(let value)): return .string(value)
        case (.bytes, .bytes(let bytes)): return .string(AvroValue.latin1String(bytes))
        case (.fixed(let fixed), .fixed(let bytes)):
            guard bytes.count == fixed.size else { throw .valueMismatch("\(fixed.name) needs \(fixed.size) bytes, got \(bytes.count)") }
            return .string(AvroValue.latin1String(bytes))
        case (.enumeration(let enumeration), .enumeration(let symbol)):
            guard enumeration.symbols.contains(symbol) else { throw .valueMismatch("\"\(symbol)\" is not a symbol of \(enumeration.name)") }
            return .string(symbol)
        case (.array(let items), .array(let elements)):
            var array: [JSONValue] = []
            array.reserveCapacity(elements.count)
            for (index, element) in elements.enumerated() {
                do throws(AvroError) {
                    array.append(try toJSON(element, items, embedded: false, topLevel: false, depth: depth + 1))
                } catch {
                    throw error.located(at: String(index))
                }
            }
            return .array(array)
        case (.map(let valuesSchema), .map(let entries)):
            var object: [String: JSONValue] = [:]
            for (key, entry) in entries {
                do throws(AvroError) {
                    object[key] = try toJSON(entry, valuesSchema, embedded: false, topLevel: false, depth: depth + 1)
                } catch {
                    throw error.located(at: key)
                }
            }
            return .object(object)
        case (.record(let record), .record(let fields)):
            let omitNulls = switch nullFields {
            case .explicit: false
            case .omitted: true
            case .explicitAtTopLevel: !topLevel
            }
            var object: [String: JSONValue] = [:]
            for field in record.fields {
                guard let fieldValue = fields[field.name] else {
                    throw AvroError.valueMismatch("the record has no value for field \(field.name)").located(at: field.name)
                }
                do throws(AvroError) {
                    if let discriminator = discriminators[record.fullname + "." + field.name],
                       case .union(let branch, let variant) = fieldValue, variant != .null {
                        let variantTag = discriminator.tagByBranch[branch] ?? "untagged"
                        let tag: String? = if case .string(let tag)? = fields[discriminator.field] { tag } else { nil }
                        guard variantTag == tag else {
                            throw AvroError.valueMismatch("the variant is \(variantTag) but \(discriminator.field) is \(tag ?? "not a string")")
                        }
                    }
                    let json = try toJSON(fieldValue, field.type, embedded: isEmbeddedJSON(field), topLevel: false, depth: depth + 1)
                    if json == .null, omitNulls, field.default == .null { continue }
                    object[field.name] = json
                } catch {
                    throw error.located(at: field.name)
                }
            }
            return .object(object)
        default:
            throw .valueMismatch("expected \(Self.describe(base)), got \(value.kind)")
        }
    }

    static func nonFinite(_ value: Double) -> String {
        value.isNaN ? "NaN" : value > 0 ? "Infinity" : "-Infinity"
    }
}

/// JSON to Avro: exact, a missing member takes its field's default.
extension AvroJSONBridge {
    func toAvro(_ json: JSONValue, _ schema: AvroSchema, embedded: Bool, depth: Int) throws(AvroError) -> AvroValue {
        guard depth < Self.maxDepth else { throw .depthLimitExceeded(Self.maxDepth) }
        let base = try names.base(schema)
        func mismatch() -> AvroError { .valueMismatch("expected \(Self.describe(base)), got \(json.kind)") }
        switch (base, json) {
        case (.union(let branches), _):
            return try unionToAvro(json, branches, embedded: embedded, depth: depth)
        case (.string, _) where embedded:
            return .string(json.serialized)
        case (.null, .null): return .null
        case (.boolean, .bool(let value)): return .boolean(value)
        case (.int, .int(let value)):
            guard let int = Int32(exactly: value) else { throw .valueMismatch("\(value) does not fit an int") }
            return .int(int)
        case (.long, .int(let value)) where Self.timestampUnits(schema) == nil: return .long(value)
        case (.long, .string(let text)):
            guard let units = Self.timestampUnits(schema) else { throw mismatch() }
            guard let value = AvroTimestamp.parse(text, unitsPerSecond: units) else {
                throw .valueMismatch("\"\(text)\" is not an ISO-8601 timestamp such as 2026-11-25T18:00:00.000Z (at most \(units == 1000 ? "millisecond" : "microsecond") precision)")
            }
            return .long(value)
        case (.float, _): return .float(Float(try Self.number(json)))
        case (.double, _): return .double(try Self.number(json))
        case (.string, .string(let value)): return .string(value)
        case (.bytes, .string(let value)): return .bytes(try AvroValue.latin1Bytes(value))
        case (.fixed(let fixed), .string(let value)):
            let bytes = try AvroValue.latin1Bytes(value)
            guard bytes.count == fixed.size else { throw .valueMismatch("\(fixed.name) needs \(fixed.size) bytes, got \(bytes.count)") }
            return .fixed(bytes)
        case (.enumeration(let enumeration), .string(let symbol)):
            guard enumeration.symbols.contains(symbol) else { throw .valueMismatch("\"\(symbol)\" is not a symbol of \(enumeration.name)") }
            return .enumeration(symbol)
        case (.array(let items), .array(let elements)):
            var values: [AvroValue] = []
            values.reserveCapacity(elements.count)
            for (index, element) in elements.enumerated() {
                do throws(AvroError) {
                    values.append(try toAvro(element, items, embedded: false, depth: depth + 1))
                } catch {
                    throw error.located(at: String(index))
                }
            }
            return .array(values)
        case (.map(let valuesSchema), .object(let members)):
            var values: [String: AvroValue] = [:]
            for (key, member) in members {
                do throws(AvroError) {
                    values[key] = try toAvro(member, valuesSchema, embedded: false, depth: depth + 1)
                } catch {
                    throw error.located(at: key)
                }
            }
            return .map(values)
        case (.record(let record), .object(let members)):
            return try recordToAvro(members, record, depth: depth)
        default:
            throw mismatch()
        }
    }

    private func recordToAvro(_ members: [String: JSONValue], _ record: AvroSchema.Record, depth: Int) throws(AvroError) -> AvroValue {
        if let unknown = members.keys.sorted().first(where: { record.field(named: $0) == nil }) {
            throw AvroError.valueMismatch("\(record.name) has no field \(unknown)").located(at: unknown)
        }
        var fields: [String: AvroValue] = [:]
        fields.reserveCapacity(record.fields.count)
        for field in record.fields {
            do throws(AvroError) {
                if let member = members[field.name] {
                    if let discriminator = discriminators[record.fullname + "." + field.name], member != .null {
                        guard case .string(let tag)? = members[discriminator.field] else {
                            throw AvroError.valueMismatch("the discriminator \(discriminator.field) must be a string")
                        }
                        guard let branch = discriminator.branchByTag[tag], case .union(let branches) = try names.base(field.type) else {
                            throw AvroError.valueMismatch("no variant for \(discriminator.field) \"\(tag)\"")
                        }
                        fields[field.name] = .union(branch: branch, value: try toAvro(member, branches[branch], embedded: false, depth: depth + 1))
                    } else {
                        fields[field.name] = try toAvro(member, field.type, embedded: isEmbeddedJSON(field), depth: depth + 1)
                    }
                } else if let defaultJSON = field.default {
                    fields[field.name] = try AvroValue(defaultJSON: defaultJSON, schema: field.type, names: names)
                } else {
                    throw AvroError.valueMismatch("missing field \(field.name) of \(record.name)")
                }
            } catch {
                throw error.located(at: field.name)
            }
        }
        return .record(fields)
    }

    private func unionToAvro(_ json: JSONValue, _ branches: [AvroSchema], embedded: Bool, depth: Int) throws(AvroError) -> AvroValue {
        if json == .null {
            for (index, branch) in branches.enumerated() where try names.base(branch) == .null {
                return .union(branch: index, value: .null)
            }
        }
        var firstError: AvroError?
        for (index, branch) in branches.enumerated() where try names.base(branch) != .null {
            do throws(AvroError) {
                return .union(branch: index, value: try toAvro(json, branch, embedded: embedded, depth: depth + 1))
            } catch {
                firstError = firstError ?? error
            }
        }
        throw firstError ?? .valueMismatch("no branch of the union accepts \(json.kind)")
    }

    static func number(_ json: JSONValue) throws(AvroError) -> Double {
        switch json {
        case .int(let value): return Double(value)
        case .double(let value): return value
        case .string("NaN"): return .nan
        case .string("Infinity"): return .infinity
        case .string("-Infinity"): return -.infinity
        default: throw .valueMismatch("expected a number, got \(json.kind)")
        }
    }
}

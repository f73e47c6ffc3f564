/// Hand-written JSON for the few hot places where Foundation's encoder costs too much (log lines, event
/// envelopes around an already encoded payload).
public enum JSONText {
    /// Appends `value` as a JSON string literal.
    public static func appendString(_ value: String, to output: inout String) {
        output += "\""
        // Most values (ids, timestamps, user agents) need no escaping: one append instead of one per scalar.
        guard value.utf8.contains(where: needsEscape) else {
            output += value
            output += "\""
            return
        }
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: output.unicodeScalars.append(scalar)
            }
        }
        output += "\""
    }

    /// Whether a UTF-8 byte must be escaped in a JSON string: quote, backslash and control characters.
    @inline(__always)
    static func needsEscape(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\")
    }

    /// A JSON string literal, or `null`.
    public static func string(_ value: String?) -> String {
        guard let value else { return "null" }
        var output = ""
        appendString(value, to: &output)
        return output
    }
}

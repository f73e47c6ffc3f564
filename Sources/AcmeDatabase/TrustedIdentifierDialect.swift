import SQLKit

/// A dialect exactly like `Base`, except that identifiers are quoted without escaping.
///
/// SQLKit escapes quote characters inside every identifier with a string replacement, which was a tenth of
/// the CPU of a write request. Acme's identifiers (table and column names) are constants in its own code,
/// never user input, so there is nothing to escape. Rule that keeps this safe: never build an
/// `SQLIdentifier` from a value a client sent.
public struct TrustedIdentifierDialect<Base: SQLDialect>: ForwardingDialect {
    public let base: Base

    public init(_ base: Base) { self.base = base }

    /// Writes the quote character; not an `SQLRaw`, which is what sends SQLKit down its escaping path.
    struct Quote: SQLExpression {
        let character: String
        func serialize(to serializer: inout SQLSerializer) { serializer.write(character) }
    }

    public var forwarded: any SQLDialect { base }
    public var identifierQuote: any SQLExpression {
        if let raw = base.identifierQuote as? SQLRaw { return Quote(character: raw.sql) }
        return base.identifierQuote
    }
}

import SQLKit

/// A dialect exactly like `Base`, except that identifiers are quoted without escaping.
///
/// SQLKit escapes quote characters inside every identifier with a string replacement, which was a tenth of
/// the CPU of a write request. Acme's identifiers (table and column names) are constants in its own code,
/// never user input, so there is nothing to escape. Rule that keeps this safe: never build an
/// `SQLIdentifier` from a value a client sent.
public struct TrustedIdentifierDialect<Base: SQLDialect>: SQLDialect {
    public let base: Base

    public init(_ base: Base) { self.base = base }

    /// Writes the quote character; not an `SQLRaw`, which is what sends SQLKit down its escaping path.
    struct Quote: SQLExpression {
        let character: String
        func serialize(to serializer: inout SQLSerializer) { serializer.write(character) }
    }

    public var name: String { base.name }
    public var identifierQuote: any SQLExpression {
        if let raw = base.identifierQuote as? SQLRaw { return Quote(character: raw.sql) }
        return base.identifierQuote
    }
    public var literalStringQuote: any SQLExpression { base.literalStringQuote }
    public var supportsAutoIncrement: Bool { base.supportsAutoIncrement }
    public var autoIncrementClause: any SQLExpression { base.autoIncrementClause }
    public var autoIncrementFunction: (any SQLExpression)? { base.autoIncrementFunction }
    public func bindPlaceholder(at position: Int) -> any SQLExpression { base.bindPlaceholder(at: position) }
    public func literalBoolean(_ value: Bool) -> any SQLExpression { base.literalBoolean(value) }
    public var literalDefault: any SQLExpression { base.literalDefault }
    public var supportsIfExists: Bool { base.supportsIfExists }
    public var enumSyntax: SQLEnumSyntax { base.enumSyntax }
    public var supportsDropBehavior: Bool { base.supportsDropBehavior }
    public var supportsReturning: Bool { base.supportsReturning }
    public var triggerSyntax: SQLTriggerSyntax { base.triggerSyntax }
    public var alterTableSyntax: SQLAlterTableSyntax { base.alterTableSyntax }
    public func customDataType(for dataType: SQLDataType) -> (any SQLExpression)? { base.customDataType(for: dataType) }
    public func normalizeSQLConstraint(identifier: any SQLExpression) -> any SQLExpression { base.normalizeSQLConstraint(identifier: identifier) }
    public var upsertSyntax: SQLUpsertSyntax { base.upsertSyntax }
    public var unionFeatures: SQLUnionFeatures { base.unionFeatures }
    public var sharedSelectLockExpression: (any SQLExpression)? { base.sharedSelectLockExpression }
    public var exclusiveSelectLockExpression: (any SQLExpression)? { base.exclusiveSelectLockExpression }
    public func nestedSubpathExpression(in column: any SQLExpression, for path: [String]) -> (any SQLExpression)? {
        base.nestedSubpathExpression(in: column, for: path)
    }
}

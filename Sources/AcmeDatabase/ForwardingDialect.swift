import SQLKit

/// A dialect that is another one (`forwarded`) except for what its type implements itself.
public protocol ForwardingDialect: SQLDialect {
    var forwarded: any SQLDialect { get }
}

extension ForwardingDialect {
    public var name: String { forwarded.name }
    public var identifierQuote: any SQLExpression { forwarded.identifierQuote }
    public var literalStringQuote: any SQLExpression { forwarded.literalStringQuote }
    public var supportsAutoIncrement: Bool { forwarded.supportsAutoIncrement }
    public var autoIncrementClause: any SQLExpression { forwarded.autoIncrementClause }
    public var autoIncrementFunction: (any SQLExpression)? { forwarded.autoIncrementFunction }
    public func bindPlaceholder(at position: Int) -> any SQLExpression { forwarded.bindPlaceholder(at: position) }
    public func literalBoolean(_ value: Bool) -> any SQLExpression { forwarded.literalBoolean(value) }
    public var literalDefault: any SQLExpression { forwarded.literalDefault }
    public var supportsIfExists: Bool { forwarded.supportsIfExists }
    public var enumSyntax: SQLEnumSyntax { forwarded.enumSyntax }
    public var supportsDropBehavior: Bool { forwarded.supportsDropBehavior }
    public var supportsReturning: Bool { forwarded.supportsReturning }
    public var triggerSyntax: SQLTriggerSyntax { forwarded.triggerSyntax }
    public var alterTableSyntax: SQLAlterTableSyntax { forwarded.alterTableSyntax }
    public func customDataType(for dataType: SQLDataType) -> (any SQLExpression)? { forwarded.customDataType(for: dataType) }
    public func normalizeSQLConstraint(identifier: any SQLExpression) -> any SQLExpression { forwarded.normalizeSQLConstraint(identifier: identifier) }
    public var upsertSyntax: SQLUpsertSyntax { forwarded.upsertSyntax }
    public var unionFeatures: SQLUnionFeatures { forwarded.unionFeatures }
    public var sharedSelectLockExpression: (any SQLExpression)? { forwarded.sharedSelectLockExpression }
    public var exclusiveSelectLockExpression: (any SQLExpression)? { forwarded.exclusiveSelectLockExpression }
    public func nestedSubpathExpression(in column: any SQLExpression, for path: [String]) -> (any SQLExpression)? {
        forwarded.nestedSubpathExpression(in: column, for: path)
    }
}

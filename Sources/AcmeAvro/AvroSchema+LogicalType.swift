extension AvroSchema {
    /// A logical type annotation (`"logicalType"` with its parameters). Unknown logical types are kept so the
    /// schema renders back as written; a known one on the wrong underlying type is dropped, as the
    /// specification requires.
    public struct LogicalType: Sendable, Hashable {
        public var name: String
        /// `decimal` only.
        public var precision: Int?
        /// `decimal` only.
        public var scale: Int?

        public init(name: String, precision: Int? = nil, scale: Int? = nil) {
            self.name = name
            self.precision = precision
            self.scale = scale
        }

        public static let date = LogicalType(name: "date")
        public static let timeMillis = LogicalType(name: "time-millis")
        public static let timeMicros = LogicalType(name: "time-micros")
        /// Milliseconds since the Unix epoch, UTC, on a `long`.
        public static let timestampMillis = LogicalType(name: "timestamp-millis")
        /// Microseconds since the Unix epoch, UTC, on a `long`.
        public static let timestampMicros = LogicalType(name: "timestamp-micros")
        public static let localTimestampMillis = LogicalType(name: "local-timestamp-millis")
        public static let localTimestampMicros = LogicalType(name: "local-timestamp-micros")
        public static let uuid = LogicalType(name: "uuid")
        public static let duration = LogicalType(name: "duration")
        public static func decimal(precision: Int, scale: Int = 0) -> LogicalType {
            LogicalType(name: "decimal", precision: precision, scale: scale)
        }

        /// Whether the specification defines this logical type.
        var isKnown: Bool {
            ["decimal", "uuid", "date", "time-millis", "time-micros", "timestamp-millis", "timestamp-micros",
             "local-timestamp-millis", "local-timestamp-micros", "duration"].contains(name)
        }
    }
}

/// A parsed search query: the `q` parameter of `GET /v1/orgs/{orgId}/search`.
///
/// The shape is a conjunction of disjunctions: every ``Group`` in ``clauses`` must match (AND), and a group
/// matches when any of its ``Term``s does (OR). Build one with ``parse(_:)``; the parser guarantees:
/// - at least one group is not excluded;
/// - an excluded term is always alone in its group (`a OR -b` is read as `a -b`);
/// - words are non-empty, NFKC-normalized, lowercased runs of Unicode letters, digits and combining marks,
///   at most ``maxTermLength`` characters and ``maxTermBytes`` bytes, and there are at most ``maxTerms`` words in total;
/// - a phrase has at least two words and a prefix at least ``minPrefixLength`` characters.
///
/// ``description`` is a canonical text form (`a (b OR c) -"x y" pre*`) that parses back to the same value,
/// so it can serve as a cache key or a log field.
public struct SearchQuery: Sendable, Hashable {
    /// Longest accepted `q`, in Unicode scalars (code points), counted before normalization.
    public static let maxInputLength = 512
    /// Most words kept (a phrase counts each of its words); input beyond the cap is ignored.
    public static let maxTerms = 32
    /// Longest word kept, in characters; a longer bare word is cut to this length and searched as a prefix.
    public static let maxTermLength = 64
    /// Longest word kept, in UTF-8 bytes, cut like a longer one: a character may carry hundreds of combining marks,
    /// and PostgreSQL refuses a lexeme over 2,047 bytes.
    public static let maxTermBytes = 256
    /// Shortest stem accepted before a trailing `*`; `a*` is searched as the plain word `a`.
    public static let minPrefixLength = 2

    /// AND of OR-groups.
    public let clauses: [Group]

    init(clauses: [Group]) {
        self.clauses = clauses
    }

    /// Alternatives of which at least one must match (or, for an excluded group, none may).
    public struct Group: Sendable, Hashable {
        public let terms: [Term]

        init(_ terms: [Term]) {
            self.terms = terms
        }

        /// True for the one-term group of an excluded term.
        public var isExcluded: Bool { terms.contains { $0.excluded } }
    }

    public struct Term: Sendable, Hashable {
        public enum Kind: Sendable, Hashable {
            /// A whole word.
            case word(String)
            /// Any word starting with the stem.
            case prefix(String)
            /// Consecutive words, in order (two or more).
            case phrase([String])
        }

        public let kind: Kind
        /// `-term`: documents containing it are removed from the result.
        public let excluded: Bool

        init(_ kind: Kind, excluded: Bool = false) {
            self.kind = kind
            self.excluded = excluded
        }

        /// The words of the term, in order.
        public var words: [String] {
            switch kind {
            case .word(let word), .prefix(let word): [word]
            case .phrase(let words): words
            }
        }
    }

    /// Groups every match must satisfy.
    public var positiveGroups: [Group] { clauses.filter { !$0.isExcluded } }
    /// Terms no match may contain.
    public var excludedTerms: [Term] { clauses.filter(\.isExcluded).flatMap(\.terms) }
}

extension SearchQuery: CustomStringConvertible {
    public var description: String {
        clauses.map { group in
            let terms = group.terms.map(\.description)
            return terms.count == 1 ? terms[0] : "(" + terms.joined(separator: " OR ") + ")"
        }.joined(separator: " ")
    }
}

extension SearchQuery.Term: CustomStringConvertible {
    public var description: String {
        let body =
            switch kind {
            case .word(let word): word
            case .prefix(let stem): stem + "*"
            case .phrase(let words): "\"" + words.joined(separator: " ") + "\""
            }
        return excluded ? "-" + body : body
    }
}

/// Why a `q` parameter was refused; every case is a client error (400) with ``message`` as the detail.
public enum SearchQueryError: Error, Sendable, Equatable {
    /// `q` has more than `limit` characters (Unicode scalars).
    case tooLong(limit: Int)
    /// Nothing searchable is left: the query is empty, whitespace, punctuation or emoji only,
    /// or every term is excluded.
    case noPositiveTerm

    /// The query parameter the error is about, for a field-level problem detail.
    public var parameter: String { "q" }

    /// Client-facing explanation.
    public var message: String {
        switch self {
        case .tooLong(let limit): "the query must be at most \(limit) characters long"
        case .noPositiveTerm: "the query needs at least one term that is not excluded"
        }
    }
}

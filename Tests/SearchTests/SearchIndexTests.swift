import AcmeDatabase
import AcmeTestSupport
import Foundation
import SQLKit
@testable import Search
import Testing

/// One index on the suite's backend (SQLite FTS5, or PostgreSQL when ACME_TEST_DATABASE_URL is set), with
/// helpers to fill it the way the events would.
final class IndexFixture: @unchecked Sendable {
    let scratch = Scratch()
    let database: any Database
    let index: any SearchIndex
    var version: Int64 = 0
    let now = Date(timeIntervalSince1970: 1_790_000_000)

    static let org = "org_00000000000000000000000001"
    static let otherOrg = "org_00000000000000000000000002"
    static let alice = "usr_0000000000000000000000000a"
    static let bob = "usr_0000000000000000000000000b"

    init() async throws {
        database = try await scratch.open("search", migrations: SearchService.migrations)
        index = try await SearchService.index(on: database)
    }

    func close() async { await scratch.close() }

    func nextVersion() -> Int64 {
        version += 1
        return version
    }

    func project(_ id: String, org: String = IndexFixture.org, name: String, visibility: String = "org", members: [String] = []) async throws {
        var changes: [IndexChange] = [.project(.init(
            id: id, orgId: org, name: name, key: "K", description: nil, visibility: visibility, version: nextVersion(), updatedAt: now))]
        changes += members.map { .projectMember(projectId: id, userId: $0, member: true, version: nextVersion()) }
        try await index.apply(changes)
    }

    func document(
        _ id: String, project: String, org: String = IndexFixture.org, title: String, body: String, tags: [String] = [],
        author: String? = IndexFixture.alice, version: Int64? = nil, at: Date? = nil
    ) async throws {
        try await index.apply([.document(.init(
            id: id, orgId: org, projectId: project, title: title, body: body, tags: tags, author: author,
            version: version ?? nextVersion(), updatedAt: at ?? now))])
    }

    func search(
        _ q: String, as user: String = IndexFixture.alice, org: String = IndexFixture.org, admin: Bool = false,
        _ configure: (inout SearchRequest) -> Void = { _ in }
    ) async throws -> IndexResult {
        var request = SearchRequest(query: try SearchQuery.parse(q))
        configure(&request)
        return try await index.search(IndexQuery(request: request, viewer: .init(userId: user, orgId: org, seesAllProjects: admin)))
    }
}

func ids(_ result: IndexResult) -> [String] { result.hits.map(\.id) }

@Suite struct SearchIndexTests {
    static let p1 = "prj_00000000000000000000000001"
    static let p2 = "prj_00000000000000000000000002"
    static let secret = "prj_00000000000000000000000003"
    static let d1 = "doc_00000000000000000000000001"
    static let d2 = "doc_00000000000000000000000002"
    static let d3 = "doc_00000000000000000000000003"

    @Test func titleMatchRanksAboveBodyMatch() async throws {
        let f = try await IndexFixture()
        try await f.project(Self.p1, name: "Platform")
        try await f.document(Self.d1, project: Self.p1, title: "Meeting notes", body: "We discussed the kestrel migration plan at length today.")
        try await f.document(Self.d2, project: Self.p1, title: "Kestrel", body: "An overview of the plan for the next quarter.")
        let result = try await f.search("kestrel")
        #expect(ids(result) == [Self.d2, Self.d1])
        #expect(result.hits[0].score > result.hits[1].score)
        await f.close()
    }

    @Test func phrasePrefixAndExclusion() async throws {
        let f = try await IndexFixture()
        try await f.project(Self.p1, name: "Platform")
        try await f.document(Self.d1, project: Self.p1, title: "One", body: "the quick brown fox jumps")
        try await f.document(Self.d2, project: Self.p1, title: "Two", body: "brown and quick are not adjacent here")
        try await f.document(Self.d3, project: Self.p1, title: "Three", body: "quickly, the fox left")
        #expect(Set(ids(try await f.search("quick brown"))) == [Self.d1, Self.d2])
        #expect(ids(try await f.search("\"quick brown\"")) == [Self.d1])
        #expect(Set(ids(try await f.search("quick*"))) == [Self.d1, Self.d2, Self.d3])
        #expect(Set(ids(try await f.search("fox -brown"))) == [Self.d3])
        #expect(Set(ids(try await f.search("jumps OR left"))) == [Self.d1, Self.d3])
        await f.close()
    }

    /// Phrases with common words (which SQLite finds through its word-pair tokens) match exactly the texts holding
    /// the words in order, whatever their case or the punctuation between them.
    @Test func phrasesOfCommonWordsMatchOnlyInOrder() async throws {
        let f = try await IndexFixture()
        try await f.project(Self.p1, name: "Platform")
        try await f.document(Self.d1, project: Self.p1, title: "One", body: "At the End of the line, turn left.")
        try await f.document(Self.d2, project: Self.p1, title: "Two", body: "the end: of line, and of the rest")
        try await f.document(Self.d3, project: Self.p1, title: "End of THE line", body: "snake_case_names of_the words")
        #expect(Set(ids(try await f.search("\"end of the line\""))) == [Self.d1, Self.d3])
        #expect(Set(ids(try await f.search("\"of the\""))) == [Self.d1, Self.d2, Self.d3])
        #expect(Set(ids(try await f.search("\"end of\""))) == [Self.d1, Self.d2, Self.d3])
        #expect(Set(ids(try await f.search("\"the end of\""))) == [Self.d1, Self.d2])
        #expect(ids(try await f.search("\"case names\"")) == [Self.d3])
        #expect(Set(ids(try await f.search("line -\"of the\""))) == [])
        #expect(Set(ids(try await f.search("\"of line\""))) == [Self.d2])
        await f.close()
    }

    @Test func wordsMatchWhateverTheirCaseAndAccents() async throws {
        let f = try await IndexFixture()
        try await f.project(Self.p1, name: "Platform")
        try await f.document(Self.d1, project: Self.p1, title: "Café Crème", body: "Über naïve coöperation")
        #expect(ids(try await f.search("cafe")) == [Self.d1])
        #expect(ids(try await f.search("CRÈME")) == [Self.d1])
        #expect(ids(try await f.search("\"uber naive\" coop*")) == [Self.d1])
        await f.close()
    }

    /// More distinct words than a PostgreSQL vector holds (1 MiB of them): the document is still indexed.
    @Test func aDocumentWithAHugeVocabularyIsIndexed() async throws {
        let f = try await IndexFixture()
        try await f.project(Self.p1, name: "Platform")
        let body = (0..<95_000).map { "w\(String($0, radix: 36))xxxx" }.joined(separator: " ")
        try await f.document(Self.d1, project: Self.p1, title: "Vocabulary", body: body)
        #expect(ids(try await f.search("w0xxxx")) == [Self.d1])
        #expect(ids(try await f.search("vocabulary")) == [Self.d1])
        await f.close()
    }

    @Test func snippetsHighlightMatchesAndEscapeHTML() async throws {
        let f = try await IndexFixture()
        try await f.project(Self.p1, name: "Platform")
        try await f.document(Self.d1, project: Self.p1, title: "XSS", body: "A kestrel & friends: never trust <script>alert('x')</script> here.")
        let hit = try #require(try await f.search("kestrel").hits.first)
        #expect(hit.snippet.contains("<mark>kestrel</mark>"))
        #expect(hit.snippet.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"))
        #expect(!hit.snippet.contains("<script>"))
        #expect(hit.snippet.contains("&amp; friends"))
        await f.close()
    }

    @Test func facetsCountEverythingTheFiltersLetThrough() async throws {
        let f = try await IndexFixture()
        try await f.project(Self.p1, name: "Alpha falcon")
        try await f.project(Self.p2, name: "Beta")
        for n in 0..<7 {
            try await f.document(
                "doc_0000000000000000000000010\(n)", project: n < 4 ? Self.p1 : Self.p2, title: "Falcon \(n)", body: "body",
                tags: n.isMultiple(of: 2) ? ["even", "bird"] : ["bird"])
        }
        let all = try await f.search("falcon") { $0.limit = 2 }
        #expect(all.total == 8)
        #expect(all.hits.count == 2)
        #expect(all.facets.type == ["document": 7, "project": 1])
        #expect(all.facets.type.values.reduce(0, +) == all.total)
        #expect(all.facets.tag == ["bird": 7, "even": 4])
        #expect(all.facets.project == [Self.p1: 5, Self.p2: 3])
        for (tag, count) in all.facets.tag {
            #expect(try await f.search("falcon") { $0.tag = tag }.total == count)
        }
        for (project, count) in all.facets.project {
            #expect(try await f.search("falcon") { $0.projectId = project }.total == count)
        }
        let documents = try await f.search("falcon") { $0.kinds = [.document] }
        #expect(documents.total == 7)
        #expect(documents.facets.type == ["document": 7])
        // A document's new tags replace its old ones, in the facet as in the filter.
        try await f.document("doc_00000000000000000000000100", project: Self.p1, title: "Falcon 0", body: "body", tags: [])
        #expect(try await f.search("falcon").facets.tag == ["bird": 6, "even": 3])
        #expect(try await f.search("falcon") { $0.tag = "even" }.total == 3)
        await f.close()
    }

    @Test func paginationIsStableAndComplete() async throws {
        let f = try await IndexFixture()
        try await f.project(Self.p1, name: "Platform")
        for n in 0..<25 {
            try await f.document(String(format: "doc_%026d", n), project: Self.p1, title: "Page \(n)", body: String(repeating: "heron ", count: 1 + n % 4))
        }
        var seen: [String] = []
        var offset = 0
        while true {
            let page = try await f.search("heron") { $0.limit = 10; $0.offset = offset }
            #expect(page.total == 25)
            seen += ids(page)
            offset += page.hits.count
            if page.hits.isEmpty || offset >= page.total { break }
        }
        #expect(seen.count == 25)
        #expect(Set(seen).count == 25)
        #expect(seen == ids(try await f.search("heron") { $0.limit = 25 }))
        await f.close()
    }

    @Test func permissionsAreEnforcedInsideTheQuery() async throws {
        let f = try await IndexFixture()
        try await f.project(Self.p1, name: "Open")
        try await f.project(Self.secret, name: "Secret", visibility: "private", members: [IndexFixture.bob])
        try await f.document(Self.d1, project: Self.p1, title: "Osprey open", body: "x")
        try await f.document(Self.d2, project: Self.secret, title: "Osprey secret", body: "x", tags: ["hidden"])
        try await f.project(Self.p2, org: IndexFixture.otherOrg, name: "Elsewhere")
        try await f.document(Self.d3, project: Self.p2, org: IndexFixture.otherOrg, title: "Osprey elsewhere", body: "x")

        let outsider = try await f.search("osprey", as: IndexFixture.alice)
        #expect(ids(outsider) == [Self.d1])
        #expect(outsider.total == 1)
        #expect(outsider.facets.tag.isEmpty)
        #expect(Set(ids(try await f.search("osprey", as: IndexFixture.bob))) == [Self.d1, Self.d2])
        #expect(Set(ids(try await f.search("osprey", as: IndexFixture.alice, admin: true))) == [Self.d1, Self.d2])
        #expect(ids(try await f.search("osprey", org: IndexFixture.otherOrg)) == [Self.d3])

        // Bob leaves the private project: its documents go with it.
        try await f.index.apply([.projectMember(projectId: Self.secret, userId: IndexFixture.bob, member: false, version: f.nextVersion())])
        #expect(ids(try await f.search("osprey", as: IndexFixture.bob)) == [Self.d1])
        // The open project becomes private: only admins still see it.
        try await f.index.apply([.project(.init(
            id: Self.p1, orgId: IndexFixture.org, name: "Open", key: nil, description: nil, visibility: "private",
            version: f.nextVersion(), updatedAt: f.now))])
        #expect(try await f.search("osprey", as: IndexFixture.bob).total == 0)
        #expect(try await f.search("osprey", admin: true).total == 2)
        await f.close()
    }

    @Test func deletionsPropagateAndStaleChangesAreIgnored() async throws {
        let f = try await IndexFixture()
        try await f.project(Self.p1, name: "Platform")
        try await f.project(Self.p2, name: "Other")
        try await f.document(Self.d1, project: Self.p1, title: "Plover", body: "first", version: 1)
        try await f.document(Self.d1, project: Self.p1, title: "Plover", body: "second edition", version: 3)
        // A replayed older version changes nothing.
        try await f.document(Self.d1, project: Self.p1, title: "Plover", body: "first", version: 2)
        #expect(try await f.search("edition").total == 1)
        #expect(try await f.search("first").total == 0)

        try await f.index.apply([.documentDeleted(id: Self.d1, orgId: IndexFixture.org, version: 4, at: f.now)])
        #expect(try await f.search("plover").total == 0)
        // Neither a replayed creation nor an update older than the deletion brings it back.
        try await f.document(Self.d1, project: Self.p1, title: "Plover", body: "first", version: 1)
        #expect(try await f.search("plover").total == 0)
        // A restore (newer) does.
        try await f.document(Self.d1, project: Self.p1, title: "Plover", body: "restored", version: 5)
        #expect(ids(try await f.search("plover")) == [Self.d1])

        // A deleted project hides its documents and itself.
        try await f.document(Self.d2, project: Self.p2, title: "Plover two", body: "x")
        try await f.index.apply([.projectDeleted(id: Self.p2, orgId: IndexFixture.org, version: f.nextVersion(), at: f.now)])
        #expect(ids(try await f.search("plover")) == [Self.d1])
        #expect(try await f.search("other").total == 0)
        // A deleted org takes everything with it, and late or replayed events of its projects and documents
        // bring nothing back.
        try await f.index.apply([.orgDeleted(orgId: IndexFixture.org)])
        #expect(try await f.search("plover", admin: true).total == 0)
        try await f.project(Self.p2, name: "Plover project")
        try await f.document(Self.d2, project: Self.p2, title: "Plover late", body: "x")
        #expect(try await f.search("plover", admin: true).total == 0)
        await f.close()
    }

    @Test func orgMembersAreSearchableByNameInTheirOrgsOnly() async throws {
        let f = try await IndexFixture()
        try await f.index.apply([
            .user(id: IndexFixture.bob, name: "Bob Marley", email: "bob@example.com", version: 1, at: f.now),
            .orgMember(orgId: IndexFixture.org, userId: IndexFixture.bob, member: true, version: 1, at: f.now),
        ])
        #expect(ids(try await f.search("marley")) == [IndexFixture.bob])
        #expect(try await f.search("marley", org: IndexFixture.otherOrg).total == 0)
        #expect(ids(try await f.search("example")) == [IndexFixture.bob])
        try await f.index.apply([.user(id: IndexFixture.bob, name: "Robert Marley", email: "bob@example.com", version: 2, at: f.now)])
        #expect(try await f.search("robert").hits.first?.title == "Robert Marley")
        try await f.index.apply([.orgMember(orgId: IndexFixture.org, userId: IndexFixture.bob, member: false, version: 2, at: f.now)])
        #expect(try await f.search("marley").total == 0)
        await f.close()
    }

    /// Each membership keeps its own version. A reindex replays the log while the live consumer applies newer
    /// events, so one member's newer change (or a project's member change) may come before older events of the same
    /// org or project: those must still apply, and a membership's own older events must not.
    @Test func membershipsAreVersionedOneByOne() async throws {
        let f = try await IndexFixture()
        let carol = "usr_0000000000000000000000000c"
        try await f.index.apply([
            .user(id: IndexFixture.bob, name: "Bob Marley", email: "bob@example.com", version: 1, at: f.now),
            .user(id: carol, name: "Carol Marley", email: "carol@example.com", version: 1, at: f.now),
            // The live consumer's newer events first…
            .orgMember(orgId: IndexFixture.org, userId: IndexFixture.bob, member: true, version: 10, at: f.now),
            .projectMember(projectId: Self.secret, userId: IndexFixture.bob, member: true, version: 8),
            // …then the replay of older ones.
            .orgMember(orgId: IndexFixture.org, userId: carol, member: true, version: 3, at: f.now),
            .project(.init(id: Self.secret, orgId: IndexFixture.org, name: "Secret", key: "SEC", description: nil,
                           visibility: "private", version: 1, updatedAt: f.now)),
            .projectMember(projectId: Self.secret, userId: IndexFixture.bob, member: true, version: 2),
            .orgMember(orgId: IndexFixture.org, userId: IndexFixture.bob, member: false, version: 4, at: f.now),
        ])
        #expect(Set(ids(try await f.search("marley"))) == [IndexFixture.bob, carol])
        #expect(ids(try await f.search("secret", as: IndexFixture.bob)) == [Self.secret])
        #expect(try await f.search("secret", as: carol).total == 0, "a private project")

        // A membership's own order still holds: a removal is not undone by a replayed addition.
        try await f.index.apply([
            .orgMember(orgId: IndexFixture.org, userId: carol, member: false, version: 12, at: f.now),
            .orgMember(orgId: IndexFixture.org, userId: carol, member: true, version: 5, at: f.now),
        ])
        #expect(ids(try await f.search("marley")) == [IndexFixture.bob])
        await f.close()
    }

    /// An index built before memberships had versions of their own gets them from its member entries and projects.
    @Test func theMigrationRecordsTheVersionsOfIndexedMemberships() async throws {
        let f = try await IndexFixture()
        try await f.index.apply([
            .user(id: IndexFixture.bob, name: "Bob Marley", email: "bob@example.com", version: 1, at: f.now),
            .orgMember(orgId: IndexFixture.org, userId: IndexFixture.bob, member: true, version: 7, at: f.now),
            .project(.init(id: Self.secret, orgId: IndexFixture.org, name: "Secret", key: "SEC", description: nil,
                           visibility: "private", version: 9, updatedAt: f.now)),
            .projectMember(projectId: Self.secret, userId: IndexFixture.bob, member: true, version: 3),
        ])
        let versions = try await f.database.transaction { db in
            try await db.delete(from: "search_membership_versions").run()
            try await MembershipVersions.seed(on: db)
            return try await db.select().columns("membership", "version").from("search_membership_versions").orderBy("membership").all()
                .map { "\(try $0.string("membership"))@\(try $0.decode(column: "version", as: Int64.self))" }
        }
        #expect(versions == ["\(IndexFixture.org)/\(IndexFixture.bob)@7", "\(Self.secret)/\(IndexFixture.bob)@9"])
        // Older events of those memberships change nothing.
        try await f.index.apply([.orgMember(orgId: IndexFixture.org, userId: IndexFixture.bob, member: false, version: 6, at: f.now)])
        #expect(ids(try await f.search("marley")) == [IndexFixture.bob])
        await f.close()
    }

    @Test func filtersByAuthorAndUpdateTime() async throws {
        let f = try await IndexFixture()
        try await f.project(Self.p1, name: "Platform")
        try await f.document(Self.d1, project: Self.p1, title: "Grebe", body: "x", author: IndexFixture.alice, at: f.now)
        try await f.document(Self.d2, project: Self.p1, title: "Grebe", body: "y", author: IndexFixture.bob, at: f.now.addingTimeInterval(3600))
        #expect(ids(try await f.search("grebe") { $0.author = IndexFixture.bob }) == [Self.d2])
        #expect(ids(try await f.search("grebe") { $0.updatedAfter = f.now.addingTimeInterval(1) }) == [Self.d2])
        #expect(ids(try await f.search("grebe") { $0.updatedBefore = f.now.addingTimeInterval(1) }) == [Self.d1])
        await f.close()
    }

    /// A document created and edited within one batch (the indexer's linger, a backlog, a reindex) keeps its
    /// author: only the creation event names it.
    @Test func aDocumentCreatedAndEditedInOneBatchKeepsItsAuthor() async throws {
        let f = try await IndexFixture()
        try await f.project(Self.p1, name: "Platform")
        func state(_ title: String, author: String?, version: Int64) -> IndexChange {
            .document(.init(id: Self.d1, orgId: IndexFixture.org, projectId: Self.p1, title: title, body: "x", tags: [],
                            author: author, version: version, updatedAt: f.now))
        }
        try await f.index.apply([state("Grebe draft", author: IndexFixture.bob, version: 1), state("Grebe", author: nil, version: 2)])
        #expect(ids(try await f.search("grebe") { $0.author = IndexFixture.bob }) == [Self.d1])
        await f.close()
    }

    @Test func neighborsAreOneEditAway() async throws {
        let f = try await IndexFixture()
        try await f.project(Self.p1, name: "Platform")
        try await f.document(Self.d1, project: Self.p1, title: "Migration", body: "the kestrel migration guide")
        #expect(try await f.index.neighbors(of: "kestral", limit: 3) == ["kestrel"])
        #expect(try await f.index.neighbors(of: "migartion", limit: 3) == ["migration"])
        #expect(try await f.index.neighbors(of: "zebra", limit: 3).isEmpty)
        await f.close()
    }

    /// On PostgreSQL the index is cut into buckets of three entries here, so that the search for the newest matches
    /// goes through several of them, including empty ones and a word found only in the oldest entries.
    @Test func veryCommonQueriesRankAndCountOnlyTheirNewestMatches() async throws {
        let f = try await IndexFixture()
        let postgres = try await f.database.read { db in db.isPostgres }
        let index = postgres ? PostgresSearchIndex(database: f.database, bucketRows: 3) : f.index
        let id = { (n: Int) in String(format: "doc_%026d", n) }
        try await index.apply([.project(.init(
            id: Self.p1, orgId: IndexFixture.org, name: "Platform", key: "K", description: nil, visibility: "org", version: 1, updatedAt: f.now))])
        for n in 0..<12 {
            let body = (n == 0 ? "rare " : "") + (n < 3 ? "early " : "") + "common"
            try await index.apply([.document(.init(
                id: id(n), orgId: IndexFixture.org, projectId: Self.p1, title: "Note \(n)", body: body, tags: [],
                author: IndexFixture.alice, version: 1, updatedAt: f.now))])
        }
        func search(_ q: String) async throws -> IndexResult {
            var query = IndexQuery(
                request: SearchRequest(query: try SearchQuery.parse(q)), viewer: .init(userId: IndexFixture.alice, orgId: IndexFixture.org, seesAllProjects: false))
            query.candidateLimit = 5
            return try await index.search(query)
        }
        let common = try await search("common")
        #expect(!common.exact)
        #expect(common.total == 5)
        #expect(common.facets.type == ["document": 5])
        #expect(Set(ids(common)) == Set((7..<12).map(id)))
        let early = try await search("early common")
        #expect(early.exact)
        #expect(Set(ids(early)) == Set((0..<3).map(id)))
        let rare = try await search("rare")
        #expect(rare.exact)
        #expect(ids(rare) == [id(0)])
        #expect(try await search("missing").hits.isEmpty)

        // Prefixes (a prefix lexeme, or a partial match within each bucket), alternatives, phrases and exclusions.
        #expect(Set(ids(try await search("commo*"))) == Set((7..<12).map(id)))
        #expect(Set(ids(try await search("rare OR early"))) == Set((0..<3).map(id)))
        #expect(ids(try await search("\"rare early\"")) == [id(0)])
        #expect(Set(ids(try await search("earl* -rare"))) == Set([id(1), id(2)]))
        await f.close()
    }

    @Test(.enabled(if: Scratch.postgresURL != nil, "PostgreSQL's vectors")) func theMigrationRebuildsVectorsThatFindTheSameEntries() async throws {
        let f = try await IndexFixture()
        try await f.project(Self.p1, name: "Platform")
        try await f.document(Self.d1, project: Self.p1, title: "End of the line", body: "Café notes")
        try await f.document(Self.d2, project: Self.p1, title: "Other", body: "the end of it")
        func found() async throws -> [Set<String>] {
            var found: [Set<String>] = []
            for q in ["\"end of the\"", "cafe", "notes OR other"] { found.append(Set(ids(try await f.search(q)))) }
            return found
        }
        let before = try await found()
        #expect(before == [[Self.d1], [Self.d1], [Self.d1, Self.d2]])
        try await f.database.transaction { db in try await db.raw("UPDATE search_entries SET tsv = ''").run() }
        #expect(try await f.search("cafe").hits.isEmpty)
        try await f.database.transaction { db in try await BucketedLexemes().prepare(on: db) }
        #expect(try await found() == before)
        await f.close()
    }

    @Test func textWithNULCharactersIsIndexedWithoutThem() async throws {
        let f = try await IndexFixture()
        try await f.project(Self.p1, name: "Platform")
        try await f.document(Self.d1, project: Self.p1, title: "Nul\u{0}title", body: "before\u{0}after")
        #expect(ids(try await f.search("beforeafter")) == [Self.d1])
        #expect(try await f.search("nultitle").hits.first?.title == "Nultitle")
        await f.close()
    }

    /// A batch writes its documents together: each document ends at its newest state, whatever the order of
    /// the batch, and a stale change (here a deletion older than the last update) changes nothing.
    @Test func aBatchLeavesEachDocumentAtItsNewestState() async throws {
        let f = try await IndexFixture()
        try await f.project(Self.p1, name: "Platform")
        func document(_ id: String, _ title: String, tags: [String] = [], version: Int64) -> IndexChange {
            .document(.init(id: id, orgId: IndexFixture.org, projectId: Self.p1, title: title, body: "batched", tags: tags,
                            author: IndexFixture.alice, version: version, updatedAt: f.now))
        }
        try await f.index.apply([
            document(Self.d1, "alpha", tags: ["old"], version: 10), document(Self.d2, "beta", tags: ["x"], version: 11),
            document(Self.d1, "gamma", tags: ["new"], version: 13), .documentDeleted(id: Self.d1, orgId: IndexFixture.org, version: 12, at: f.now),
            document(Self.d3, "delta", version: 14), .documentDeleted(id: Self.d3, orgId: IndexFixture.org, version: 15, at: f.now),
        ])
        #expect(ids(try await f.search("gamma")) == [Self.d1])
        #expect(ids(try await f.search("alpha")).isEmpty)
        #expect(ids(try await f.search("delta")).isEmpty)
        let all = try await f.search("batched")
        #expect(Set(ids(all)) == [Self.d1, Self.d2])
        #expect(all.facets.tag == ["new": 1, "x": 1])
        try await f.index.apply([document(Self.d1, "stale", version: 13), document(Self.d2, "epsilon", version: 16)])
        #expect(ids(try await f.search("gamma")) == [Self.d1])
        #expect(ids(try await f.search("epsilon")) == [Self.d2])
        #expect(try await f.search("batched").facets.tag == ["new": 1])
        await f.close()
    }

    /// An index written before ``ContentlessSearchText`` (FTS5 kept by triggers) and ``SeparateSearchTexts`` (text
    /// in the entries) is searchable after them, and later changes replace its rows.
    @Test(.enabled(if: Scratch.postgresURL == nil, "the trigger era was SQLite's")) func anIndexFromTheTriggerEraSurvivesTheMigration() async throws {
        let scratch = Scratch()
        let old = try await scratch.open("search", migrations: [CreateSearchTables()])
        try await old.transaction { db in
            try await db.raw("""
                INSERT INTO search_projects (project_id, org_id, project_key, visibility, live, version)
                VALUES (\(bind: Self.p1), \(bind: IndexFixture.org), 'K', 'org', 1, 1)
                """).run()
            // The insert trigger of that era indexes the text.
            try await db.raw("""
                INSERT INTO search_entries (entry_key, kind, id, org_id, project_id, author, updated_at, version, live, title, body)
                VALUES (\(bind: EntryKey.document(Self.d1)), 'document', \(bind: Self.d1), \(bind: IndexFixture.org), \(bind: Self.p1),
                    \(bind: IndexFixture.alice), \(bind: Date().millis), 2, 1, 'Quarterly roadmap', 'migrations ahead')
                """).run()
        }
        await scratch.close(keepData: true)
        let database = try await scratch.open("search", migrations: SearchService.migrations)
        let index = try await SearchService.index(on: database)
        func search(_ text: String) async throws -> [String] {
            ids(try await index.search(IndexQuery(
                request: SearchRequest(query: try SearchQuery.parse(text)),
                viewer: .init(userId: IndexFixture.alice, orgId: IndexFixture.org, seesAllProjects: false))))
        }
        #expect(try await search("roadmap") == [Self.d1])
        try await index.apply([.document(.init(
            id: Self.d1, orgId: IndexFixture.org, projectId: Self.p1, title: "Annual plan", body: "migrations ahead", tags: [],
            author: IndexFixture.alice, version: 3, updatedAt: Date()))])
        #expect(try await search("roadmap").isEmpty)
        #expect(try await search("annual") == [Self.d1])
        await scratch.close()
    }

    @Test func randomQueriesNeverFailInTheEngine() async throws {
        let f = try await IndexFixture()
        try await f.project(Self.p1, name: "Platform")
        try await f.document(Self.d1, project: Self.p1, title: "Anything", body: "AND OR NOT NEAR \"quoted\" (paren) col:umn * ^ ' \\ 😀 café")
        var random = SeededGenerator(seed: 99)
        let alphabet = Array("aé\"'()*-: ^ORANDNOTNEAR{}[]\\😀\u{0}\u{301}x1 ")
        for _ in 0..<300 {
            let text = String((0..<Int.random(in: 1...40, using: &random)).map { _ in alphabet.randomElement(using: &random)! })
            guard let query = try? SearchQuery.parse(text) else { continue }
            _ = try await f.index.search(IndexQuery(request: SearchRequest(query: query), viewer: .init(userId: IndexFixture.alice, orgId: IndexFixture.org, seesAllProjects: true)))
        }
        await f.close()
    }
}

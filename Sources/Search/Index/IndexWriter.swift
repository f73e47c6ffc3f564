import AcmeCore
import AcmeDatabase
import SQLKit

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Applies ``IndexChange``s to the index tables, the same on both engines: `search_entries` (one row per
/// searchable thing; the engine's text index follows it), its tags, and the read models that decide
/// visibility (projects, project members, org members, user profiles).
///
/// Every subject's rows carry the version of the last change applied; an older or equal change is skipped.
/// A deletion leaves a tombstone (a row with `live = 0` and no text), so a replayed creation cannot bring
/// the subject back.
struct IndexWriter: Sendable {
    /// An entry whose text was just written, for the engine to index.
    struct Text: Sendable {
        var key: String
        /// The entry's row id.
        var rid: Int64
        var title: String
        var body: String
        /// The entry had text before.
        var replaced: Bool
        /// PostgreSQL: the words of the entry's vector (``TSVector/terms``).
        var terms: [String] = []
    }

    /// Called after entries' text is written, so the engine indexes it (once per run of documents).
    typealias TextHook = @Sendable (_ texts: [Text], _ db: any SQLDatabase) async throws -> Void

    /// PostgreSQL: entries per bucket. Each entry's `tsvector` (see ``PostgresSearchIndex``) and `tags` are then
    /// written with its row, in the statement that inserts or updates it: a second UPDATE of the row would be a new
    /// row version whose every GIN entry is inserted again (measured: half of the indexing statements' time).
    var bucketRows: Int?
    let didWriteText: TextHook

    /// Applies `changes` in order. A run of consecutive document changes, the bulk of any batch, is written with
    /// a few statements for the whole run rather than several per document (on PostgreSQL each is a round trip).
    func apply(_ changes: [IndexChange], on db: any SQLDatabase) async throws {
        var run: [IndexChange.DocumentState] = []
        for change in changes {
            if case .document(let state) = change {
                run.append(state)
                continue
            }
            if !run.isEmpty { try await documents(run, on: db) }
            run = []
            try await apply(change, on: db)
        }
        if !run.isEmpty { try await documents(run, on: db) }
    }

    private func apply(_ change: IndexChange, on db: any SQLDatabase) async throws {
        switch change {
        case .document(let state): try await documents([state], on: db)
        case .documentDeleted(let id, let orgId, let version, let at):
            try await tombstone(key: EntryKey.document(id), kind: .document, id: id, orgId: orgId, version: version, at: at, on: db)
        case .project(let state): try await project(state, on: db)
        case .projectDeleted(let id, let orgId, let version, let at):
            guard try await claimProject(id, orgId: orgId, version: version, on: db) else { return }
            try await db.update("search_projects").set("live", to: 0).where("project_id", .equal, id).run()
            try await db.delete(from: "search_project_members").where("project_id", .equal, id).run()
            try await tombstone(key: EntryKey.project(id), kind: .project, id: id, orgId: orgId, version: version, at: at, on: db)
        case .projectMember(let projectId, let userId, let member, let version):
            guard try await claimMembership(projectId + "/" + userId, version: version, on: db) else { return }
            if member {
                try await db.insert(into: "search_project_members").columns("project_id", "user_id")
                    .values(SQLBind(projectId), SQLBind(userId)).ignoringConflicts(with: ["project_id", "user_id"]).run()
            } else {
                try await db.delete(from: "search_project_members")
                    .where("project_id", .equal, projectId).where("user_id", .equal, userId).run()
            }
        case .user(let id, let name, let email, let version, let at):
            try await user(id: id, name: name, email: email, version: version, at: at, on: db)
        case .userDeleted(let id, let version):
            guard try await claimUser(id, version: version, live: false, on: db) else { return }
            try await db.update("search_users").set("name", to: "").set("email", to: "").where("user_id", .equal, id).run()
            try await deleteEntries(["kind": SearchKind.user.rawValue, "id": id], on: db)
        case .orgMember(let orgId, let userId, let member, let version, let at):
            try await orgMember(orgId: orgId, userId: userId, member: member, version: version, at: at, on: db)
        case .orgDeleted(let orgId):
            try await orgDeleted(orgId, on: db)
        }
    }

    static func reset(on db: any SQLDatabase) async throws {
        for table in ["search_tags", "search_texts", "search_entries", "search_project_members", "search_projects", "search_users", "search_orgs",
                      "search_membership_versions"] {
            try await db.delete(from: table).run()
        }
    }

    // MARK: Documents

    /// Documents' current states, in event order: for each document the newest state wins, if it is newer than
    /// the index's.
    private func documents(_ states: [IndexChange.DocumentState], on db: any SQLDatabase) async throws {
        var newest: [String: IndexChange.DocumentState] = [:]
        // Only a creation names the author: a later state in the same batch must not drop it.
        var authors: [String: String] = [:]
        for state in states {
            if let author = state.author { authors[state.id] = author }
            if state.version > newest[state.id]?.version ?? .min { newest[state.id] = state }
        }
        let keys = newest.keys.map(EntryKey.document)
        var existing: [String: (version: Int64, author: String?)] = [:]
        for row in try await db.select().columns("entry_key", "version", "author").from("search_entries")
            .where("entry_key", .in, keys).all() {
            existing[try row.string("entry_key")] = (try row.decode(column: "version", as: Int64.self), try row.optionalString("author"))
        }
        let deleted = try await deletedOrgs(Set(newest.values.map(\.orgId)), on: db)
        let fresh = newest.values.filter { $0.version > existing[EntryKey.document($0.id)]?.version ?? .min && !deleted.contains($0.orgId) }
            .sorted { $0.id < $1.id }
        guard !fresh.isEmpty else { return }
        let entries = fresh.map { state in
            let key = EntryKey.document(state.id)
            return Entry(
                key: key, kind: .document, id: state.id, orgId: state.orgId, projectId: state.projectId, title: state.title,
                body: state.body, author: state.author ?? authors[state.id] ?? existing[key]?.author, updatedAt: state.updatedAt, version: state.version, live: true,
                tags: Set(state.tags).sorted())
        }
        try await index(try await write(entries, existing: Set(existing.keys), on: db), on: db)
        try await db.delete(from: "search_tags").where("entry_key", .in, entries.map(\.key)).run()
        try await insertTags(entries.flatMap { entry in entry.tags.map { (entry.key, $0) } }, on: db)
    }

    /// On SQLite one row per statement: it runs a multi-row insert under a statement savepoint, and FTS5 writes its
    /// pending terms to disk at every savepoint, which would make each indexed document a segment of its own.
    private func insertTags(_ tags: [(key: String, tag: String)], on db: any SQLDatabase) async throws {
        guard db.isPostgres else {
            for (key, tag) in tags { try await Self.insertTag.run(db, [key, tag]) }
            return
        }
        for chunk in stride(from: 0, to: tags.count, by: 1_000).map({ tags[$0..<min($0 + 1_000, tags.count)] }) {
            var insert = db.insert(into: "search_tags").columns("entry_key", "tag")
            for (key, tag) in chunk { insert = insert.values(SQLBind(key), SQLBind(tag)) }
            try await insert.run()
        }
    }

    // MARK: Projects

    private func project(_ state: IndexChange.ProjectState, on db: any SQLDatabase) async throws {
        guard try await deletedOrgs([state.orgId], on: db).isEmpty else { return }
        let row = try await db.select().columns("version", "project_key").from("search_projects")
            .where("project_id", .equal, state.id).first()
        let stored = try row.map { (version: try $0.decode(column: "version", as: Int64.self), key: try $0.string("project_key")) }
        if let stored, stored.version >= state.version { return }
        let projectKey = state.key ?? stored?.key ?? ""
        if stored == nil {
            try await db.insert(into: "search_projects")
                .columns("project_id", "org_id", "project_key", "visibility", "live", "version")
                .values(SQLBind(state.id), SQLBind(state.orgId), SQLBind(projectKey), SQLBind(state.visibility), SQLBind(1), SQLBind(state.version))
                .run()
        } else {
            // The row may be a deletion's placeholder, or from before membership versions (a member change could
            // leave one): a newer state makes the project live in its org.
            try await db.update("search_projects").set("project_key", to: projectKey).set("visibility", to: state.visibility)
                .set("org_id", to: state.orgId).set("live", to: 1)
                .set("version", to: state.version).where("project_id", .equal, state.id).run()
        }
        let key = EntryKey.project(state.id)
        let body = [projectKey, state.description ?? ""].filter { !$0.isEmpty }.joined(separator: "\n")
        try await writeAndIndex(
            Entry(
                key: key, kind: .project, id: state.id, orgId: state.orgId, projectId: state.id, title: state.name,
                body: body, author: nil, updatedAt: state.updatedAt, version: state.version, live: true),
            exists: try await entry(key, on: db) != nil, on: db)
    }

    /// Records `version` as the project's; false if the index already has that version or a later one.
    /// A project not seen yet (a deletion ahead of its creation) gets a placeholder row.
    private func claimProject(_ id: String, orgId: String?, version: Int64, on db: any SQLDatabase) async throws -> Bool {
        try await claim(
            "search_projects", "project_id", id, version: version,
            placeholder: [("org_id", orgId ?? ""), ("project_key", ""), ("visibility", "private"), ("live", 0)], on: db)
    }

    /// Records `version` in the row of `table` whose `key` column is `id`, setting `columns` with it; false
    /// (and nothing written) if the row already has that version or a later one. A missing row is inserted with
    /// `columns` and `placeholder`.
    private func claim(
        _ table: String, _ key: String, _ id: String, version: Int64, columns: [(String, any Encodable & Sendable)] = [],
        placeholder: [(String, any Encodable & Sendable)] = [], on db: any SQLDatabase
    ) async throws -> Bool {
        if let row = try await db.select().column("version").from(table).where(SQLColumn(key), .equal, SQLBind(id)).first() {
            guard try row.decode(column: "version", as: Int64.self) < version else { return false }
            var update = db.update(table).set("version", to: version)
            for (column, value) in columns { update = update.set(SQLColumn(column), to: SQLBind(value)) }
            try await update.where(SQLColumn(key), .equal, SQLBind(id)).run()
        } else {
            let values = [(key, id as any Encodable & Sendable), ("version", version)] + columns + placeholder
            try await db.insert(into: table).columns(values.map(\.0)).values(values.map { SQLBind($0.1) }).run()
        }
        return true
    }

    // MARK: Users and org members

    private func user(id: String, name: String, email: String, version: Int64, at: Date, on db: any SQLDatabase) async throws {
        guard try await claimUser(id, version: version, live: true, on: db) else { return }
        let (title, body) = (Self.indexable(name), Self.indexable(email))
        try await db.update("search_users").set("name", to: title).set("email", to: body).where("user_id", .equal, id).run()
        // The user's entry in each of their orgs keeps its own version (its membership's).
        let entries = try await db.select().columns("entry_key", "org_id", "version", "live").from("search_entries")
            .where("kind", .equal, SearchKind.user.rawValue).where("id", .equal, id).all()
            .map { row in
                Entry(
                    key: try row.string("entry_key"), kind: .user, id: id, orgId: try row.string("org_id"), projectId: nil, title: title,
                    body: body, author: nil, updatedAt: at, version: try row.decode(column: "version", as: Int64.self),
                    live: try row.decode(column: "live", as: Int.self) != 0)
            }
        try await index(try await write(entries, existing: Set(entries.map(\.key)), on: db), on: db)
    }

    private func claimUser(_ id: String, version: Int64, live: Bool, on db: any SQLDatabase) async throws -> Bool {
        try await claim(
            "search_users", "user_id", id, version: version, columns: [("live", live ? 1 : 0)],
            placeholder: [("name", ""), ("email", "")], on: db)
    }

    /// Records `version` as the membership's (`"org/user"` or `"project/user"`); false if the index already has
    /// that version or a later one. Each membership keeps its own: a change to one member says nothing about another.
    private func claimMembership(_ membership: String, version: Int64, on db: any SQLDatabase) async throws -> Bool {
        try await claim("search_membership_versions", "membership", membership, version: version, on: db)
    }

    private func orgMember(orgId: String, userId: String, member: Bool, version: Int64, at: Date, on db: any SQLDatabase) async throws {
        guard try await deletedOrgs([orgId], on: db).isEmpty,
            try await claimMembership(orgId + "/" + userId, version: version, on: db)
        else { return }
        let key = EntryKey.user(userId, in: orgId)
        guard member else {
            try await deleteEntries(["entry_key": key], on: db)
            return
        }
        guard try await entry(key, on: db) == nil else { return }
        let profile = try await db.select().columns("name", "email").from("search_users")
            .where("user_id", .equal, userId).where("live", .equal, 1).first()
        try await writeAndIndex(
            Entry(
                key: key, kind: .user, id: userId, orgId: orgId, projectId: nil, title: try profile?.string("name") ?? "",
                body: try profile?.string("email") ?? "", author: nil, updatedAt: at, version: version, live: true),
            exists: false, on: db)
    }

    /// Which of `orgIds` were deleted: their events, late on another topic or replayed, change nothing any more.
    private func deletedOrgs(_ orgIds: Set<String>, on db: any SQLDatabase) async throws -> Set<String> {
        guard !orgIds.isEmpty else { return [] }
        // A deleted org's row holds the highest version (see `orgDeleted`).
        return Set(try await db.select().column("org_id").from("search_orgs").where("org_id", .in, Array(orgIds))
            .where("version", .equal, Int64.max).all().map { try $0.string("org_id") })
    }

    private func orgDeleted(_ orgId: String, on db: any SQLDatabase) async throws {
        try await deleteEntries(["org_id": orgId], on: db)
        try await db.delete(from: "search_project_members")
            .where("project_id", .in, SQLSubquery.select { $0.column("project_id").from("search_projects").where("org_id", .equal, orgId) })
            .run()
        try await db.delete(from: "search_projects").where("org_id", .equal, orgId).run()
        // A deleted org stays deleted: no replayed membership event may bring its members back (see `orgMember`).
        try await db.delete(from: "search_orgs").where("org_id", .equal, orgId).run()
        try await db.insert(into: "search_orgs").columns("org_id", "version").values(SQLBind(orgId), SQLBind(Int64.max)).run()
    }

    // MARK: Entries

    struct Entry {
        var key: String
        var kind: SearchKind
        var id: String
        var orgId: String
        var projectId: String?
        var title: String
        var body: String
        var author: String?
        var updatedAt: Date
        var version: Int64
        var live: Bool
        var tags: [String] = []
    }

    private func entry(_ key: String, on db: any SQLDatabase) async throws -> (version: Int64, author: String?)? {
        guard let row = try await db.select().columns("version", "author").from("search_entries").where("entry_key", .equal, key).first()
        else { return nil }
        return (try row.decode(column: "version", as: Int64.self), try row.optionalString("author"))
    }

    private func writeAndIndex(_ entry: Entry, exists: Bool, on db: any SQLDatabase) async throws {
        try await index(try await write([entry], existing: exists ? [entry.key] : [], on: db), on: db)
    }

    /// Stores the entries' text (`search_texts`, by the entries' row ids) and has the engine index it.
    private func index(_ texts: [Text], on db: any SQLDatabase) async throws {
        guard !texts.isEmpty else { return }
        if db.isPostgres {
            try await db.raw("""
                INSERT INTO search_texts (rid, title, body)
                SELECT * FROM unnest(\(bind: texts.map(\.rid))::bigint[], \(bind: texts.map(\.title))::text[], \(bind: texts.map(\.body))::text[])
                ON CONFLICT (rid) DO UPDATE SET title = excluded.title, body = excluded.body
                """).run()
        } else {
            // One row per statement, for the reason in ``insertTags(_:on:)``.
            for text in texts { try await Self.upsertText.run(db, [text.rid, text.title, text.body]) }
        }
        try await didWriteText(texts, db)
    }

    /// Writes the entries' rows, inserting those not in `existing` and updating the others, and returns their
    /// texts with the rows' ids for ``index(_:on:)``, in the entries' order. On PostgreSQL one statement writes
    /// all new rows and one all updated rows; on SQLite each row is a statement of its own (cheap there).
    private func write(_ entries: [Entry], existing: Set<String>, on db: any SQLDatabase) async throws -> [Text] {
        let entries = entries.map { entry in
            var entry = entry
            (entry.title, entry.body) = (Self.indexable(entry.title), Self.indexable(entry.body))
            return entry
        }
        var rids: [String: Int64] = [:]
        var terms: [String: [String]] = [:]
        if db.isPostgres {
            let bucketRows = bucketRows ?? PostgresSearchIndex.defaultBucketRows
            let updated = entries.filter { existing.contains($0.key) }
            let inserted = entries.filter { !existing.contains($0.key) }
            // Empty strings stand for NULL in the arrays (no id is empty); tags are joined by U+001F, which no tag
            // contains (see `Tags`). The vector gets its bucket from the row id (for new rows taken from the sequence).
            var built: [String: TSVector] = [:]
            for entry in entries { built[entry.key] = TSVector(title: entry.title, body: entry.body) }
            func vectors(_ entries: [Entry], _ form: KeyPath<TSVector, String>) -> [String] { entries.map { built[$0.key]?[keyPath: form] ?? "" } }
            func tags(_ entries: [Entry]) -> [String] { entries.map { $0.tags.joined(separator: "\u{1F}") } }
            terms = built.mapValues(\.terms)
            if !updated.isEmpty {
                let rows = try await db.raw("""
                    UPDATE search_entries e SET org_id = x.org_id, project_id = NULLIF(x.project_id, ''), author = NULLIF(x.author, ''),
                        updated_at = x.updated_at, version = x.version, live = x.live,
                        tsv = \(PostgresSearchIndex.bucketed("x.tsv", rowID: "e.rid", bucketRows: bucketRows)),
                        words = x.words::tsvector, tags = string_to_array(x.tags, chr(31))
                    FROM unnest(\(bind: updated.map(\.key))::text[], \(bind: updated.map(\.orgId))::text[],
                        \(bind: updated.map { $0.projectId ?? "" })::text[], \(bind: updated.map { $0.author ?? "" })::text[],
                        \(bind: updated.map { $0.updatedAt.millis })::bigint[], \(bind: updated.map(\.version))::bigint[],
                        \(bind: updated.map { $0.live ? 1 : 0 })::int[], \(bind: vectors(updated, \.indexed))::text[], \(bind: vectors(updated, \.words))::text[],
                        \(bind: tags(updated))::text[])
                        AS x(entry_key, org_id, project_id, author, updated_at, version, live, tsv, words, tags)
                    WHERE e.entry_key = x.entry_key
                    RETURNING e.entry_key, e.rid
                    """).all()
                for row in rows { rids[try row.string("entry_key")] = try row.decode(column: "rid", as: Int64.self) }
            }
            if !inserted.isEmpty {
                let rows = try await db.raw("""
                    INSERT INTO search_entries (rid, entry_key, kind, id, org_id, project_id, author, updated_at, version, live, tsv, words, tags)
                    SELECT rid, entry_key, kind, id, org_id, NULLIF(project_id, ''), NULLIF(author, ''), updated_at, version, live,
                        \(PostgresSearchIndex.bucketed("tsv", rowID: "rid", bucketRows: bucketRows)), words::tsvector, string_to_array(tags, chr(31))
                    FROM (SELECT nextval('search_entries_rid_seq') AS rid, x.* FROM unnest(
                        \(bind: inserted.map(\.key))::text[], \(bind: inserted.map(\.kind.rawValue))::text[],
                        \(bind: inserted.map(\.id))::text[], \(bind: inserted.map(\.orgId))::text[],
                        \(bind: inserted.map { $0.projectId ?? "" })::text[], \(bind: inserted.map { $0.author ?? "" })::text[],
                        \(bind: inserted.map { $0.updatedAt.millis })::bigint[], \(bind: inserted.map(\.version))::bigint[],
                        \(bind: inserted.map { $0.live ? 1 : 0 })::int[], \(bind: vectors(inserted, \.indexed))::text[], \(bind: vectors(inserted, \.words))::text[],
                        \(bind: tags(inserted))::text[])
                        AS x(entry_key, kind, id, org_id, project_id, author, updated_at, version, live, tsv, words, tags)) y
                    RETURNING entry_key, rid
                    """).all()
                for row in rows { rids[try row.string("entry_key")] = try row.decode(column: "rid", as: Int64.self) }
            }
        } else {
            for entry in entries {
                let values: [any Encodable & Sendable] = [
                    entry.orgId, entry.projectId, entry.author, entry.updatedAt.millis, entry.version, entry.live ? 1 : 0, entry.key,
                ]
                let row = existing.contains(entry.key)
                    ? try await Self.updateEntry.first(db, values)
                    : try await Self.insertEntry.first(db, values + [entry.kind.rawValue, entry.id])
                rids[entry.key] = try row?.decode(column: "rid", as: Int64.self)
            }
        }
        return try entries.map { entry in
            // Every row was just written in this transaction; a missing one would be a bug, and the event is retried.
            guard let rid = rids[entry.key] else { throw AcmeError.unavailable() }
            return Text(
                key: entry.key, rid: rid, title: entry.title, body: entry.body, replaced: existing.contains(entry.key),
                terms: terms[entry.key] ?? [])
        }
    }

    private static let updateEntry = SQLTemplate { _ in
        SQLQueryString("""
            UPDATE search_entries SET org_id = \(placeholder), project_id = \(placeholder), author = \(placeholder),
                updated_at = \(placeholder), version = \(placeholder), live = \(placeholder)
            WHERE entry_key = \(placeholder) RETURNING rid
            """)
    }

    private static let insertEntry = SQLTemplate { _ in
        SQLQueryString("""
            INSERT INTO search_entries (org_id, project_id, author, updated_at, version, live, entry_key, kind, id)
            VALUES (\(placeholder), \(placeholder), \(placeholder), \(placeholder), \(placeholder), \(placeholder), \(placeholder),
                \(placeholder), \(placeholder))
            RETURNING rid
            """)
    }

    private static let upsertText = SQLTemplate { _ in
        SQLQueryString("""
            INSERT INTO search_texts (rid, title, body) VALUES (\(placeholder), \(placeholder), \(placeholder))
            ON CONFLICT (rid) DO UPDATE SET title = excluded.title, body = excluded.body
            """)
    }

    private static let insertTag = SQLTemplate { _ in
        SQLQueryString("INSERT INTO search_tags (entry_key, tag) VALUES (\(placeholder), \(placeholder))")
    }

    private static let placeholder = SQLTemplate.placeholder

    /// Leaves a row that hides the subject and remembers its version.
    private func tombstone(key: String, kind: SearchKind, id: String, orgId: String, version: Int64, at: Date, on db: any SQLDatabase) async throws {
        let existing = try await entry(key, on: db)
        if let existing, existing.version >= version { return }
        try await writeAndIndex(
            Entry(key: key, kind: kind, id: id, orgId: orgId, projectId: nil, title: "", body: "", author: existing?.author,
                  updatedAt: at, version: version, live: false),
            exists: existing != nil, on: db)
        try await db.delete(from: "search_tags").where("entry_key", .equal, key).run()
    }

    /// Text as stored: without NUL characters, which PostgreSQL's `text` cannot hold (JSON can carry them, so an
    /// event may), and which no query can search for.
    static func indexable(_ text: String) -> String {
        guard text.utf8.contains(0) else { return text }
        return String(String.UnicodeScalarView(text.unicodeScalars.filter { $0 != "\u{0}" }))
    }

    /// Deletes the entries where every `column` equals its value, with their tags and text.
    private func deleteEntries(_ conditions: KeyValuePairs<String, String>, on db: any SQLDatabase) async throws {
        func entries(_ column: String) -> some SQLExpression {
            SQLSubquery.select { query in
                var query = query.column(column).from("search_entries")
                for (column, value) in conditions { query = query.where(SQLColumn(column), .equal, SQLBind(value)) }
                return query
            }
        }
        try await db.delete(from: "search_tags").where(SQLColumn("entry_key"), .in, entries("entry_key")).run()
        try await db.delete(from: "search_texts").where(SQLColumn("rid"), .in, entries("rid")).run()
        var delete = db.delete(from: "search_entries")
        for (column, value) in conditions { delete = delete.where(column, .equal, value) }
        try await delete.run()
    }
}
/// Keys of `search_entries`: one per document and project, one per org membership of a user.
enum EntryKey {
    static func document(_ id: String) -> String { "document:" + id }
    static func project(_ id: String) -> String { "project:" + id }
    static func user(_ id: String, in orgId: String) -> String { "user:" + orgId + ":" + id }
}

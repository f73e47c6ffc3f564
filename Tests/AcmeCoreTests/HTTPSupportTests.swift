@testable import AcmeCore
import Foundation
import NIOCore
import Testing

@Suite struct HTTPSupportTests {
    @Test func cursorsRoundTripAndRejectGarbage() {
        let values = ["org_01", "2026-01-01T00:00:00.000Z", "with \"quotes\""]
        #expect(Cursor.decode(Cursor.encode(values)) == values)
        for garbage in ["", "%%%", "bm90IGpzb24", String(repeating: "A", count: 2000)] {
            #expect(Cursor.decode(garbage) == nil, "\(garbage)")
        }
    }

    @Test func pagesKeepLimitItemsAndPointAfterTheLast() {
        let page = Page(rows: [1, 2, 3], limit: 2) { [String($0)] }
        #expect(page.items == [1, 2])
        #expect(page.nextCursor.flatMap(Cursor.decode) == ["2"])
        let last = Page(rows: [1, 2], limit: 2) { [String($0)] }
        #expect(last.nextCursor == nil)
    }

    @Test func problemsCarryTheStatusOfTheirError() {
        let cases: [(AcmeError, Int)] = [
            (.badRequest("x"), 400), (.invalidQuery([]), 400), (.validation([]), 422), (.unauthorized(), 401),
            (.forbidden(), 403), (.notFound(), 404), (.conflict("x"), 409), (.gone("x"), 410), (.preconditionFailed(), 412),
            (.preconditionRequired(), 428), (.payloadTooLarge(limit: 1), 413), (.unsupportedMediaType("x"), 415),
            (.tooManyRequests(retryAfterSeconds: 1), 429), (.unavailable(), 503),
        ]
        for (error, status) in cases {
            let problem = Problem(error)
            #expect(problem.status == status)
            #expect(problem.type.hasPrefix("https://acme.dev/problems/"))
        }
        #expect(Problem(.invalid("email", "bad")).errors == [FieldError(field: "email", message: "bad")])
    }

    @Test func eTagsMatchVersionsAndStar() throws {
        try ETag.check(nil, current: ETag.make(version: 3))
        try ETag.check("\"v3\"", current: ETag.make(version: 3))
        try ETag.check("\"v1\", \"v3\"", current: ETag.make(version: 3))
        try ETag.check("*", current: ETag.make(version: 3))
        #expect(throws: AcmeError.preconditionFailed()) { try ETag.check("\"v2\"", current: ETag.make(version: 3)) }
    }

    @Test func emailsAreNormalisedAndChecked() {
        #expect(EmailAddress.normalize("  Ann@Example.COM\n") == "ann@example.com")
        for good in ["a@b.co", "first.last+tag@sub.example.org"] { #expect(EmailAddress.isValid(good)) }
        for bad in ["", "a", "a@b", "a@@b.co", "a b@c.co", "@b.co", "a@.co", "a@b.c", "a@-b.co", String(repeating: "a", count: 65) + "@b.co"] {
            #expect(!EmailAddress.isValid(bad), "\(bad)")
        }
    }

    @Test func validatorCollectsEveryError() {
        var validator = Validator()
        #expect(validator.text("  Ann  ", "name", length: 1...10) == "Ann")
        validator.text("", "empty", length: 1...10)
        validator.text("abcdefghijk", "long", length: 1...10)
        validator.text("a\u{0007}b", "control", length: 1...10)
        validator.check(false, "flag", "must be set")
        #expect(validator.errors.map(\.field) == ["empty", "long", "control", "flag"])
        #expect(throws: AcmeError.self) { try validator.finish() }
    }

    /// The ASCII fast paths give what the general rules give: trimming by Foundation's white space and newlines,
    /// control characters by general category, tags trimmed and lowercased.
    @Test func fastPathsAgreeWithTheGeneralRules() {
        let samples = [
            "Plain", " lead", "trail ", "\tTab\n", "a\u{7F}b", "a\u{0}b", "x\u{85}", "\u{A0}nbsp\u{A0}", "\u{3000}ideo",
            "é", "émoji😀", "\u{2028}", "a\u{200B}", "Ünïcode ", "", " ", "tag-1_x", "Tag", "a b", "ß",
        ]
        for sample in samples {
            #expect(Validator.trimmed(sample) == sample.trimmingCharacters(in: .whitespacesAndNewlines), "\(sample.debugDescription)")
            #expect(Validator.hasControlCharacter(sample) == sample.unicodeScalars.contains { $0.properties.generalCategory == .control })
            var fast = Validator(), general = Validator()
            let normalized = Tags.normalize([sample], field: "tags", max: 5, into: &fast)
            let expected = sample.trimmingCharacters(in: .whitespaces).lowercased()
            let valid = (1...Tags.maxLength).contains(expected.count)
                && expected.unicodeScalars.allSatisfy { $0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-" || $0 == "_" }
            general.check(valid, "tags[0]", "must be 1–\(Tags.maxLength) letters, digits, - or _")
            #expect(normalized == (valid ? [expected] : []), "\(sample.debugDescription)")
            #expect(fast.errors.map(\.field) == general.errors.map(\.field))
        }
    }

    struct Body: StrictDecodable, Equatable {
        var name: String
        var count: Int?
        var tags: [String]?
        enum CodingKeys: String, CodingKey, CaseIterable { case name, count, tags }
    }

    func decode(_ json: String) throws(AcmeError) -> Body {
        try AcmeRequestDecoder.decode(Body.self, from: ByteBuffer(string: json))
    }

    @Test func decoderMapsEveryFailureToAClientError() throws {
        #expect(try decode(#"{"name":"a","count":2}"#) == Body(name: "a", count: 2, tags: nil))
        #expect(throws: AcmeError.badRequest("The request body is not valid JSON.")) { try decode("{") }
        #expect(throws: AcmeError.badRequest("The request body must be a JSON object.")) { try decode("[]") }
        #expect(throws: AcmeError.validation([FieldError(field: "name", message: "is required")])) { try decode("{}") }
        #expect(throws: AcmeError.validation([FieldError(field: "count", message: "must be an integer")])) { try decode(#"{"name":"a","count":"2"}"#) }
        #expect(throws: AcmeError.validation([FieldError(field: "tags[1]", message: "must be a string")])) { try decode(#"{"name":"a","tags":["x",1]}"#) }
        #expect(throws: AcmeError.validation([FieldError(field: "name", message: "must not be null")])) { try decode(#"{"name":null}"#) }
        #expect(throws: AcmeError.validation([FieldError(field: "admin", message: "is not a known field")])) { try decode(#"{"name":"a","admin":true}"#) }
    }

    @Test func semaphoreLimitsConcurrency() async {
        let semaphore = AsyncSemaphore(permits: 2)
        let counter = Counter()
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<20 {
                group.addTask {
                    await semaphore.withPermit {
                        await counter.enter()
                        try? await Task.sleep(for: .milliseconds(2))
                        await counter.leave()
                    }
                }
            }
        }
        #expect(await counter.maximum == 2)
    }

    actor Counter {
        var current = 0
        var maximum = 0
        func enter() { current += 1; maximum = max(maximum, current) }
        func leave() { current -= 1 }
    }
}

@Suite struct SecretBoxTests {
    @Test func sealsAndOpensAndDetectsTampering() throws {
        let box = try SecretBox(base64Key: SecretBox.generateKey())
        let sealed = try box.seal("JBSWY3DPEHPK3PXP")
        #expect(!sealed.contains("JBSWY3DPEHPK3PXP"))
        #expect(try box.open(sealed) == "JBSWY3DPEHPK3PXP")
        #expect(try box.seal("same") != box.seal("same"))  // fresh nonce every time
        var tampered = Array(sealed)
        tampered[tampered.count - 3] = tampered[tampered.count - 3] == "A" ? "B" : "A"
        #expect(throws: SecretBox.Failure.cannotOpen) { try box.open(String(tampered)) }
        let other = try SecretBox(base64Key: SecretBox.generateKey())
        #expect(throws: SecretBox.Failure.cannotOpen) { try other.open(sealed) }
        #expect(throws: SecretBox.Failure.malformedKey) { try SecretBox(base64Key: "c2hvcnQ=") }
    }
}

@Suite struct TimestampTests {
    @Test func formatsLikeFoundationAndRoundTrips() {
        let style = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
        var generator = SystemRandomNumberGenerator()
        let fixed: [Int64] = [0, 1, 999, 86_399_999, 86_400_000, 951_782_400_000, 4_102_444_799_999, -1, -86_400_001, 1_795_623_093_316]
        let random = (0..<2000).map { _ in Int64.random(in: -2_000_000_000_000...4_000_000_000_000, using: &generator) }
        for millis in fixed + random {
            // Foundation truncates binary fractions (.999 can print as .998), so compare whole seconds with it
            // and check the milliseconds by round trip.
            let seconds = Timestamp.date(millis: millis - ((millis % 1000) + 1000) % 1000)
            #expect(Timestamp.format(seconds) == style.format(seconds), "\(millis)")
            let date = Timestamp.date(millis: millis)
            #expect(Timestamp.parse(Timestamp.format(date)).map(Timestamp.millis) == millis, "\(millis)")
        }
    }

    @Test func readsItsOwnFormWithoutFoundationAndAgreesWithIt() throws {
        let style = Date.ISO8601FormatStyle()
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let seconds = Int64.random(in: -2_000_000_000...4_000_000_000, using: &generator)
            let text = style.format(Timestamp.date(millis: seconds * 1000))
            #expect(Timestamp.utcMillis(text) == Timestamp.millis(try style.parse(text)), "\(text)")
        }
        #expect(Timestamp.utcMillis("2024-02-29T12:00:00.500Z") == 1_709_208_000_500)
        #expect(Timestamp.utcMillis("1969-12-31T23:59:59.999Z") == -1)
        // Not a date, or not this form: left to Foundation's parser.
        for text in [
            "2026-02-29T00:00:00Z", "2024-13-01T00:00:00Z", "2024-01-00T00:00:00Z", "2024-01-01T24:00:00Z", "2024-01-01T00:60:00Z",
            "2024-01-01T00:00:00.12Z", "2024-01-01T00:00:00+01:00", "2024-01-01 00:00:00Z", "2024-01-01T00:00:0xZ", "",
        ] {
            #expect(Timestamp.utcMillis(text) == nil, "\(text)")
        }
        #expect(Timestamp.parse("2024-01-01T01:00:00+01:00").map(Timestamp.millis) == 1_704_067_200_000)
    }
}

@Suite struct TopLevelKeyScanTests {
    @Test func scanFindsTheSameKeysAsTheDecoder() throws {
        let bodies = [
            #"{}"#, #"{"a":1}"#, #" { "a" : "x,}" , "b":{"c":[1,{"d":"]"}]}, "e":null,"f":true } "#,
            #"{"title":"Doc","body":"line\n\"quoted\" {braces} [brackets]","tags":["a","b"]}"#,
            #"{"n":-1.5e3,"list":[[],[[]],{}],"s":"\\"}"#,
        ]
        for body in bodies {
            let scanned = try #require(TopLevelKeys.scan(Array(body.utf8)), "\(body)")
            let decoded = try JSONDecoder().decode(TopLevelKeys.self, from: Data(body.utf8)).keys
            #expect(scanned == decoded, "\(body)")
        }
    }

    @Test func scanDefersToTheDecoderForAnythingUnusual() {
        for body in [#"[1]"#, #"{"a":1"#, #"{"a\u0062":1}"#, #"{"a" 1}"#, "", #"{"a":"unterminated}"#] {
            #expect(TopLevelKeys.scan(Array(body.utf8)) == nil, "\(body)")
        }
    }
}

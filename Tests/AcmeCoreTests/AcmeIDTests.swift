@testable import AcmeCore
import Foundation
import Testing

@Suite struct AcmeIDTests {
    @Test func idsHaveThePrefixAndAULID() {
        let id = AcmeID.make("usr")
        #expect(id.hasPrefix("usr_"))
        #expect(id.count == 4 + 26)
        #expect(AcmeID.isValid(id, prefix: "usr"))
        #expect(!AcmeID.isValid(id, prefix: "org"))
    }

    @Test func malformedIdsAreInvalid() {
        for bad in ["", "usr_", "usr_123", "usr_" + String(repeating: "0", count: 25), "usr_" + String(repeating: "I", count: 26),
                    "usr-" + String(repeating: "0", count: 26), "usr_" + String(repeating: "0", count: 27), "usr_0000000000000000000000000u"] {
            #expect(!AcmeID.isValid(bad, prefix: "usr"), "\(bad)")
        }
    }

    @Test func idsSortByCreationTime() {
        var generator = SystemRandomNumberGenerator()
        let ids = (0..<100).map { AcmeID.make("doc", milliseconds: 1_700_000_000_000 + UInt64($0), using: &generator) }
        #expect(ids == ids.sorted())
    }

    @Test func timestampIsEncodedInTheFirstTenCharacters() {
        var generator = SystemRandomNumberGenerator()
        // 2^48 - 1 ms is the largest ULID time: all 'Z' would overflow, the top digit is at most 7.
        let max = AcmeID.make("x", milliseconds: (1 << 48) - 1, using: &generator)
        #expect(max.dropFirst(2).prefix(10) == "7ZZZZZZZZZ")
        let zero = AcmeID.make("x", milliseconds: 0, using: &generator)
        #expect(zero.dropFirst(2).prefix(10) == "0000000000")
    }

    @Test func idsAreUnique() {
        let ids = (0..<10_000).map { _ in AcmeID.make("evt") }
        #expect(Set(ids).count == ids.count)
    }
}

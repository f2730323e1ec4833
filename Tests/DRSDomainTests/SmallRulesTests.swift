import DRSDomain
import Testing

@Suite struct IPAddressTests {
    @Test(arguments: [
        ("127.0.0.1", "127.0.0.1"),
        ("2001:DB8::1", "2001:db8::1"),
        ("2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1"),
        ("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"),
        ("::ffff:192.0.2.1", "::ffff:192.0.2.1"),
        ("FE80::0:1", "fe80::1"),
    ])
    func canonicalForms(input: String, expected: String) {
        #expect(IPAddress.canonical(input) == expected)
    }

    @Test(arguments: ["", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", " 1.2.3.4", "fe80::1%eth0", "[::1]", "::1/128", "localhost", "1:2:3"])
    func rejectsNonLiterals(input: String) {
        #expect(IPAddress.canonical(input) == nil)
    }
}

@Suite struct TimestampTests {
    @Test func formatsAndParsesRoundTrip() {
        for seconds: Int64 in [0, 951_782_400, 1_608_548_156, 4_102_444_799, -1] {
            let text = Timestamp.format(secondsSince1970: seconds)
            #expect(Timestamp.parse(text) == seconds, "\(text)")
        }
        #expect(Timestamp.format(secondsSince1970: 1_608_548_156) == "2020-12-21 10:55:56")
    }

    @Test(arguments: [
        "2020-12-21T10:57:49", "2020-12-21 10:57", "2020-02-30 00:00:00", "2021-02-29 00:00:00", "2020-12-21 24:00:00", "20-12-21 10:57:49",
        "2020-13-01 00:00:00", "",
    ])
    func rejectsOtherShapes(text: String) {
        #expect(Timestamp.parse(text) == nil)
    }

    @Test func acceptsLeapDay() {
        #expect(Timestamp.parse("2020-02-29 23:59:59") != nil)
    }
}

@Suite struct IdentifierTests {
    @Test func generatedJobIDsKeepDRSShape() {
        for _ in 0..<100 {
            let id = JobID.generate()
            #expect(id.count == 36)
            #expect(id == id.lowercased())
            #expect(id.dropLast(3).hasSuffix("jb"))
            #expect(id.unicodeScalars.allSatisfy(JobID.isAllowed))
        }
    }

    @Test func projectIDs() {
        #expect(ProjectID.isValid("054ba152d480d55b2f5dc0069e7ddef0"))
        #expect(ProjectID.isValid(ProjectID.generate()))
        for bad in [
            "054BA152D480D55B2F5DC0069E7DDEF0", "054ba152d480d55b2f5dc0069e7ddef", "054ba152d480d55b2f5dc0069e7ddef0a",
            "g54ba152d480d55b2f5dc0069e7ddef0", "",
        ] {
            #expect(!ProjectID.isValid(bad), "\(bad)")
        }
    }

    @Test func ttl() {
        #expect(TTL.seconds("24h") == 86_400)
        #expect(TTL.seconds("90s") == 90)
        #expect(TTL.seconds("15m") == 900)
        #expect(TTL.seconds("7d") == 604_800)
        for bad in ["", "h", "24", "0h", "-1h", "+1h", "1.5h", "1w", "99999999999999999d"] {
            #expect(TTL.seconds(bad) == nil, "\(bad)")
        }
    }
}

@Suite struct ProjectTokenTests {
    let secret = ProjectToken.makeSecret()
    let token = ProjectToken(projectID: "054ba152d480d55b2f5dc0069e7ddef0", issuedAt: 1_000, expiresAt: 2_000)

    @Test func roundTrips() throws {
        let text = token.encoded(secret: secret)
        #expect(try ProjectToken.verify(text, secret: secret, now: 1_500) == token)
    }

    @Test func expires() {
        let text = token.encoded(secret: secret)
        #expect(throws: ProjectToken.VerificationError.expired) { try ProjectToken.verify(text, secret: secret, now: 2_000) }
    }

    @Test func refusesAnotherSecret() {
        let text = token.encoded(secret: secret)
        #expect(throws: ProjectToken.VerificationError.undecodable) {
            try ProjectToken.verify(text, secret: ProjectToken.makeSecret(), now: 1_500)
        }
    }

    @Test func refusesEveryOneCharacterTampering() {
        let text = Array(token.encoded(secret: secret))
        for index in text.indices {
            for replacement: Character in ["A", "B", "_", "-", "0"] where replacement != text[index] {
                var tampered = text
                tampered[index] = replacement
                #expect(throws: ProjectToken.VerificationError.self) {
                    try ProjectToken.verify(String(tampered), secret: secret, now: 1_500)
                }
            }
        }
    }

    @Test func refusesAPayloadForAnotherProject() {
        // Re-sign nothing: splice another project's payload onto this token's signature.
        let mine = token.encoded(secret: secret).split(separator: ".")
        var other = token
        other.projectID = "ffffffffffffffffffffffffffffffff"
        let theirs = other.encoded(secret: secret).split(separator: ".")
        let spliced = "DRS1." + theirs[1] + "." + mine[2]
        #expect(throws: ProjectToken.VerificationError.undecodable) { try ProjectToken.verify(spliced, secret: secret, now: 1_500) }
    }

    @Test(arguments: ["", "DRS1.", "DRS1.a.b", "Bearer x", "DRS1.MTIz.", String(repeating: "A", count: 600)])
    func refusesGarbage(text: String) {
        #expect(throws: ProjectToken.VerificationError.undecodable) { try ProjectToken.verify(text, secret: secret, now: 1_500) }
    }
}

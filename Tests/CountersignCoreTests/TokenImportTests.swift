import CountersignCore
import Foundation
import Testing

@Suite struct PSKCImportTests {
    let rfcSecret = Array("12345678901234567890".utf8)

    @Test func plainValuesDecode() throws {
        let seeds = try PSKC.parse(Data(PSKCFixtures.plainFigure3.utf8))
        #expect(seeds == [TokenSeed(serial: "987654321", secret: rfcSecret, kind: .hotp, digits: 8, counter: 0)])
    }

    @Test func preSharedKeyDecryptsAndTheMACMatches() throws {
        let key = try #require(Hex.decode("12345678901234567890123456789012"))
        let seeds = try PSKC.parse(
            Data(PSKCFixtures.preSharedKeyFigure6.utf8), decryption: PSKCDecryption(preSharedKey: key))
        #expect(seeds.map(\.secret) == [rfcSecret])
        #expect(seeds.first?.digits == 8)
    }

    @Test func passwordKeyDecrypts() throws {
        let seeds = try PSKC.parse(
            Data(PSKCFixtures.passwordFigure7.utf8), decryption: PSKCDecryption(password: "qwerty"))
        #expect(seeds.map(\.secret) == [rfcSecret])
        #expect(seeds.first?.serial == "987654321")
    }

    @Test func aWrongPasswordIsRefused() {
        #expect(throws: TokenImportError.self) {
            try PSKC.parse(Data(PSKCFixtures.passwordFigure7.utf8), decryption: PSKCDecryption(password: "qwertz"))
        }
    }

    @Test func aMissingKeyIsNamed() {
        let error = #expect(throws: TokenImportError.self) {
            try PSKC.parse(Data(PSKCFixtures.preSharedKeyFigure6.utf8))
        }
        #expect(error?.location == "EncryptionKey")
        #expect(error?.problem.contains("--key") == true)
    }

    @Test func aTamperedMACIsRefused() throws {
        let tampered = PSKCFixtures.preSharedKeyFigure6.replacingOccurrences(
            of: "Su+NvtQfmvfJzF6bmQiJqoLRExc=", with: "Tu+NvtQfmvfJzF6bmQiJqoLRExc=")
        let key = try #require(Hex.decode("12345678901234567890123456789012"))
        let error = #expect(throws: TokenImportError.self) {
            try PSKC.parse(Data(tampered.utf8), decryption: PSKCDecryption(preSharedKey: key))
        }
        #expect(error?.problem.contains("ValueMAC does not match") == true)
        #expect(error?.location.contains("987654321") == true)
    }

    static func withoutElement(_ name: String, in xml: String) -> String {
        xml.replacingOccurrences(of: "<\(name)[^>]*>[\\s\\S]*?</\(name)>", with: "", options: .regularExpression)
    }

    @Test func anEncryptedValueWithoutAMACMethodIsRefusedWhole() throws {
        let key = try #require(Hex.decode("12345678901234567890123456789012"))
        let unsigned = Self.withoutElement(
            "ValueMAC", in: Self.withoutElement("MACMethod", in: PSKCFixtures.preSharedKeyFigure6))
        #expect(!unsigned.contains("MACMethod") && !unsigned.contains("ValueMAC"))
        let error = #expect(throws: TokenImportError.self) {
            try PSKC.parse(Data(unsigned.utf8), decryption: PSKCDecryption(preSharedKey: key))
        }
        #expect(error?.problem.contains("no MACMethod") == true)
    }

    @Test func anEncryptedValueWithoutItsValueMACIsRefused() throws {
        let key = try #require(Hex.decode("12345678901234567890123456789012"))
        let unsigned = Self.withoutElement("ValueMAC", in: PSKCFixtures.preSharedKeyFigure6)
        let error = #expect(throws: TokenImportError.self) {
            try PSKC.parse(Data(unsigned.utf8), decryption: PSKCDecryption(preSharedKey: key))
        }
        #expect(error?.problem.contains("no ValueMAC") == true)
    }

    @Test func anEmptyEncryptionKeyMeansThePreSharedKey() throws {
        // What python-pskc writes for a pre-shared key by default: an EncryptionKey with no name.
        let unnamed = Self.withoutElement("EncryptionKey", in: PSKCFixtures.preSharedKeyFigure6)
            .replacingOccurrences(of: "<MACMethod", with: "<EncryptionKey/>\n<MACMethod")
        let key = try #require(Hex.decode("12345678901234567890123456789012"))
        #expect(
            try PSKC.parse(Data(unnamed.utf8), decryption: PSKCDecryption(preSharedKey: key)).map(\.secret) == [
                rfcSecret
            ])
        let missing = #expect(throws: TokenImportError.self) { try PSKC.parse(Data(unnamed.utf8)) }
        #expect(missing?.problem.contains("--key") == true)
    }

    @Test func aDTDIsRefusedWhateverTheEncoding() throws {
        let hostile = """
            <?xml version="1.0"?>
            <!DOCTYPE KeyContainer [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
            <KeyContainer Version="1.0" xmlns="urn:ietf:params:xml:ns:keyprov:pskc">
            <KeyPackage><Key Id="&xxe;" Algorithm="urn:ietf:params:xml:ns:keyprov:pskc:hotp"/></KeyPackage>
            </KeyContainer>
            """
        let encodings: [(String.Encoding, String)] = [
            (.utf16, "UTF-16"), (.utf16LittleEndian, "NUL"), (.utf16BigEndian, "NUL"), (.utf32, "UTF-32"),
        ]
        for (encoding, said) in encodings {
            let data = try #require(hostile.data(using: encoding))
            let error = #expect(throws: TokenImportError.self) { try PSKC.parse(data) }
            #expect(error?.problem.contains(said) == true, "\(encoding): \(error?.problem ?? "")")
        }
        let declared = PSKCFixtures.plainFigure3.replacingOccurrences(
            of: "<?xml version=\"1.0\"", with: "<?xml version=\"1.0\" encoding=\"UTF-16\"")
        #expect(declared.contains("UTF-16"))
        let error = #expect(throws: TokenImportError.self) { try PSKC.parse(Data(declared.utf8)) }
        #expect(error?.problem.contains("declares encoding 'utf-16'") == true)
    }

    @Test func externalEntitiesAreRefused() {
        let hostile = """
            <?xml version="1.0"?>
            <!DOCTYPE KeyContainer [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
            <KeyContainer Version="1.0" xmlns="urn:ietf:params:xml:ns:keyprov:pskc">
            <KeyPackage><Key Id="&xxe;" Algorithm="urn:ietf:params:xml:ns:keyprov:pskc:hotp"/></KeyPackage>
            </KeyContainer>
            """
        let error = #expect(throws: TokenImportError.self) { try PSKC.parse(Data(hostile.utf8)) }
        #expect(error?.problem.contains("DTD") == true)
    }

    @Test func aDocumentLargerThanTenMegabytesParses() throws {
        // libxml2 refuses a single input chunk above 10 MB; the reader must feed it in pieces.
        let padding = String(repeating: "<!-- " + String(repeating: "x", count: 1_000_000) + " -->\n", count: 12)
        let large = PSKCFixtures.plainFigure3.replacingOccurrences(of: "<KeyPackage>", with: padding + "<KeyPackage>")
        #expect(try PSKC.parse(Data(large.utf8)).map(\.serial) == ["987654321"])
    }

    @Test func malformedXMLIsRefused() {
        let broken = #"<KeyContainer Version="1.0" xmlns="urn:ietf:params:xml:ns:keyprov:pskc"><KeyPackage>"#
        #expect(throws: TokenImportError.self) { try PSKC.parse(Data(broken.utf8)) }
    }

    @Test func anUnsupportedAlgorithmNamesItsPackage() {
        let pin = PSKCFixtures.plainFigure3.replacingOccurrences(of: "pskc:hotp", with: "pskc:pin")
        let error = #expect(throws: TokenImportError.self) { try PSKC.parse(Data(pin.utf8)) }
        #expect(error?.location == "KeyPackage 1 (serial 987654321)")
    }

    @Test func aDuplicateSerialIsRefused() {
        let package = PSKCFixtures.plainFigure3.components(separatedBy: "<KeyPackage>")[1]
            .components(separatedBy: "</KeyPackage>")[0]
        let doubled = PSKCFixtures.plainFigure3.replacingOccurrences(
            of: "</KeyPackage>", with: "</KeyPackage><KeyPackage>\(package)</KeyPackage>")
        let error = #expect(throws: TokenImportError.self) { try PSKC.parse(Data(doubled.utf8)) }
        #expect(error?.location == "KeyPackage 2")
    }
}

@Suite struct TokenCSVTests {
    @Test func rowsWithAndWithoutOptionalFields() throws {
        let csv = """
            serial,secret,interval,algorithm,digits,type,counter
            TOK-1,GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ,30
            TOK-2,"GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",60,SHA256,8\r
            TOK-3,GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ,,SHA1,6,hotp,17
            """
        let seeds = try TokenCSV.parse(csv)
        let secret = Array("12345678901234567890".utf8)
        #expect(
            seeds == [
                TokenSeed(serial: "TOK-1", secret: secret),
                TokenSeed(serial: "TOK-2", secret: secret, algorithm: .sha256, digits: 8, period: 60),
                TokenSeed(serial: "TOK-3", secret: secret, kind: .hotp, counter: 17),
            ])
    }

    @Test func oneBadRowRefusesTheFileAndNamesTheRow() {
        let csv = """
            TOK-1,GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ,30
            TOK-2,not-base32!,30
            TOK-3,GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ,30
            """
        let error = #expect(throws: TokenImportError.self) { try TokenCSV.parse(csv) }
        #expect(error?.location == "row 2")
        #expect(error?.problem.contains("Base32") == true)
    }

    @Test func aFileReadAsBytesStopsAtTheFirstBadRowAndRefusesBytesThatAreNotUTF8() {
        let good = Array("TOK-1,GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ,30\n".utf8)
        #expect((try? TokenCSV.parse(bytes: good))?.map(\.serial) == ["TOK-1"])
        // Latin-1 "é" in a serial: the row that holds it is named, and nothing after it is read.
        let latin1 = good + Array("TOK-".utf8) + [0xE9] + Array(",GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ,30\n".utf8)
        let error = #expect(throws: TokenImportError.self) { try TokenCSV.parse(bytes: latin1) }
        #expect(error?.location == "row 2" && error?.problem == "a field that is not UTF-8 text")
        // A bad row ends the reading there: a syntax error further on is not the one reported.
        let badThenBroken = Array("TOK-1,not-base32!,30\nTOK-2,\"open".utf8)
        let first = #expect(throws: TokenImportError.self) { try TokenCSV.parse(bytes: badThenBroken) }
        #expect(first?.location == "row 1" && first?.problem.contains("Base32") == true)
    }

    @Test(arguments: [
        ("TOK-1,GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ,45", "45 s"),
        ("TOK-1,GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ,30,MD5", "MD5"),
        ("TOK-1,GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ,30,SHA1,7", "7 digits"),
        ("TOK 1,GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ,30", "serial"),
        ("TOK-1,GEZDGNBV,30", "at least 10"),
        ("TOK-1,GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ,30\nTOK-1,GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ,30", "already appears"),
        ("TOK-1,\"GEZD\"x,30", "after the closing quote"),
    ])
    func badRowsAreExplained(csv: String, expected: String) {
        let error = #expect(throws: TokenImportError.self) { try TokenCSV.parse(csv) }
        #expect(error?.problem.contains(expected) == true, "\(String(describing: error))")
    }
}

@Suite struct CSVWriterTests {
    @Test func nonASCIINamesCommasAndQuotesReadBackUnchanged() throws {
        let rows: [[String?]] = [
            ["user", "first_name", "last_name", "reason"],
            ["zhang.wei", "伟", "张", "denied, wrong number"],
            ["lukasz", "Łukasz", "Żółć-Gęś", "said \"not me\"\nthen hung up"],
            ["empty", nil, "", "ok"],
        ]
        let text = rows.map(CSVWriter.record).joined()
        #expect(text.hasSuffix("\r\n"))
        let read = try CSVRecords.parse(text)
        #expect(read.map(\.fields) == rows.map { $0.map { $0 ?? "" } })
    }
}

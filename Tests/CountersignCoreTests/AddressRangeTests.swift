import Testing

@testable import CountersignCore

@Suite struct AddressRangeTests {
    @Test func aBlockHoldsItsAddressesAndNoOthers() throws {
        let block = try AddressRange("10.1.0.0/16")
        #expect(block.contains([10, 1, 200, 3]))
        #expect(!block.contains([10, 2, 0, 1]))
        #expect(!block.contains(AddressRange.bytes(of: "::1") ?? []), "an IPv6 address is never in an IPv4 block")
        #expect(block.description == "10.1.0.0/16")
    }

    @Test func aSingleAddressIsABlockOfOne() throws {
        let single = try AddressRange("192.0.2.7")
        #expect(single.prefixLength == 32 && single.description == "192.0.2.7")
        #expect(single.contains([192, 0, 2, 7]) && !single.contains([192, 0, 2, 8]))
        let six = try AddressRange("2001:db8::/32")
        #expect(six.contains(AddressRange.bytes(of: "2001:db8:1::5") ?? []))
        #expect(try AddressRange("0.0.0.0/0").contains([203, 0, 113, 1]))
    }

    @Test(arguments: [
        "", "10.0.0.0/33", "10.0.0.1/8", "10.0.0/8", "example.com", "10.0.0.0/-1", "10.0.0.0/８", "1.2.3.4/",
    ])
    func whatIsNotABlockIsRefusedSayingWhy(text: String) {
        #expect(throws: Validation.Failure.self) { try AddressRange(text) }
    }
}

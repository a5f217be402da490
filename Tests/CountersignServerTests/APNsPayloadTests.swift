import Foundation
import Testing

@testable import CountersignServer

@Suite("The APNs body around an outbox payload")
struct APNsPayloadTests {
    @Test("the app's data goes under \"countersign\" beside a visible alert; surrounding whitespace is dropped")
    func wraps() throws {
        let body = try ProviderPushSender.apnsPayload(" \n\t{\"tx\":\"t-1\",\"kind\":\"challenge\"}\r\n ")
        let object = try #require(try JSONSerialization.jsonObject(with: body) as? [String: Any])
        let app = try #require(object["countersign"] as? [String: String])
        #expect(app == ["tx": "t-1", "kind": "challenge"])
        let aps = try #require(object["aps"] as? [String: Any])
        #expect((aps["alert"] as? [String: String])?["title"] == "Sign-in request")
        #expect(aps["content-available"] as? Int == 1)
    }

    @Test("anything but a JSON object is refused before it is sent")
    func refusesNonObjects() {
        for payload in ["", "   ", "[1,2]", "\"text\"", "{\"open\":1", "tx}"] {
            #expect(throws: (any Error).self, "\(payload)") { try ProviderPushSender.apnsPayload(payload) }
        }
    }
}

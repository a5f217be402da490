import CountersignCore
import Foundation
import Testing

@testable import CountersignRADIUS

@Suite struct RadiusDialogueTests {
    func round(_ step: RadiusRound.Step, transaction: String? = "tx") -> RadiusRound {
        RadiusRound(
            client: "vpn", user: "ann", step: step, transactionId: transaction, carriedAttributes: [],
            expiresAt: Date())
    }

    func decide(_ mode: RadiusMode, _ password: String, round: RadiusRound? = nil) -> RadiusDialogue.Decision {
        RadiusDialogue.decide(mode: mode, delimiter: ",", password: password, round: round)
    }

    @Test func pushModeChecksThePasswordThenWaitsForThePhoneWithNoNumber() {
        #expect(decide(.push, "secret") == .init(firstFactorPassword: "secret", action: .startPush(showNumber: false)))
    }

    @Test func challengeModeAsksForTheSecondFactorAfterThePassword() {
        #expect(decide(.challenge, "secret") == .init(firstFactorPassword: "secret", action: .askForSecondFactor))
    }

    @Test(arguments: [
        ("push", RadiusDialogue.Action.startPush(showNumber: true)),
        ("", .startPush(showNumber: true)),
        (" PUSH ", .startPush(showNumber: true)),
        ("sms", .sendSMS),
        ("123456", .verifyCode("123456", method: .totp)),
        ("12345678", .verifyCode("12345678", method: .totp)),
        ("1234567", .reject("answer with a code from your authenticator app, push or sms")),
        ("hello", .reject("answer with a code from your authenticator app, push or sms")),
    ])
    func theSecondRoundReadsWhatTheUserTyped(typed: String, expected: RadiusDialogue.Action) {
        let decision = decide(.challenge, typed, round: round(.factor, transaction: nil))
        #expect(decision == .init(firstFactorPassword: nil, action: expected))
    }

    @Test func laterRoundsWaitForThePushOrCheckTheTextedCode() {
        #expect(decide(.challenge, "", round: round(.push)).action == .awaitPush(transactionId: "tx"))
        #expect(
            decide(.challenge, " 123456 ", round: round(.sms)).action == .verifySMS(transactionId: "tx", code: "123456")
        )
        #expect(decide(.challenge, "12345", round: round(.sms)).action == .reject("the texted code is 6 digits"))
        #expect(
            decide(.challenge, "", round: round(.push, transaction: nil)).action == .reject("start the sign-in again"))
    }

    @Test func aRoundDecidesWhateverTheClientsModeSaysAndAsksNoPasswordAgain() {
        for mode in RadiusMode.allCases {
            #expect(decide(mode, "x", round: round(.push)).firstFactorPassword == nil)
        }
    }

    @Test func appendModeSplitsAtTheLastDelimiter() {
        #expect(
            decide(.append, "pa,ss,123456")
                == .init(firstFactorPassword: "pa,ss", action: .verifyCode("123456", method: .totp)))
        #expect(
            decide(.append, "secret,push")
                == .init(firstFactorPassword: "secret", action: .startPush(showNumber: false)))
        #expect(decide(.append, "secret").action == .reject("add , and a code, or ,push, after the password"))
        #expect(
            decide(.append, "secret").firstFactorPassword == nil, "nothing is checked upstream for a refused request")
        #expect(
            decide(.append, "secret,sms").action == .reject("after , give a code from your authenticator app, or push"))
        let piped = RadiusDialogue.decide(mode: .append, delimiter: "|", password: "a,b|654321", round: nil)
        #expect(piped == .init(firstFactorPassword: "a,b", action: .verifyCode("654321", method: .totp)))
    }

    @Test func anAppPasswordIsReadAsOne() throws {
        for typed in ["abcdefghjkmn2345", "abcd-efgh-jkmn-2345"] {
            try #require(AppPassword.isWellFormed(typed))
            #expect(decide(.challenge, typed, round: round(.factor)).action == .verifyCode(typed, method: .appPassword))
        }
    }
}

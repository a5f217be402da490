import CountersignCore
import Foundation
import Testing

@Suite("Push admission: the push-fatigue limits and the fraud block, with no database")
struct PushAdmissionTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)
    let admission = PushAdmission(limits: PushLimits(maxPending: 3, maxWithoutSuccess: 10, window: 600))

    func facts(devices: Int = 1, blockedUntil: Date? = nil, pending: Int = 0, recent: Int = 0) -> PushAdmission.Facts {
        PushAdmission.Facts(
            activeDevices: devices, pushBlockedUntil: blockedUntil, pendingPushes: pending,
            pushesSinceWindowStart: recent)
    }

    @Test("a user with an app, nothing pending and no recent pushes is admitted")
    func admitsAQuietUser() {
        #expect(admission.refusal(userName: "alice", facts: facts(), now: now) == nil)
    }

    @Test("a user with no app paired under the current activation is refused first, whatever else holds")
    func noDeviceComesFirst() {
        let refusal = admission.refusal(
            userName: "alice", facts: facts(devices: 0, blockedUntil: now + 60, pending: 9, recent: 99), now: now)
        #expect(refusal == .noActivatedDevice("alice"))
    }

    @Test("a fraud block holds until its end and not a moment after")
    func fraudBlockEnds() {
        let until = now.addingTimeInterval(30)
        #expect(
            admission.refusal(userName: "a", facts: facts(blockedUntil: until), now: now) == .pushBlocked(until: until))
        #expect(admission.refusal(userName: "a", facts: facts(blockedUntil: until), now: until) == nil)
    }

    @Test("the pending limit refuses the request that would make one too many, not the one before")
    func pendingLimit() {
        #expect(admission.refusal(userName: "a", facts: facts(pending: 2), now: now) == nil)
        #expect(admission.refusal(userName: "a", facts: facts(pending: 3), now: now) == .tooManyPending(limit: 3))
    }

    @Test("pushes without success are limited within the window")
    func withoutSuccessLimit() {
        #expect(admission.refusal(userName: "a", facts: facts(recent: 9), now: now) == nil)
        #expect(
            admission.refusal(userName: "a", facts: facts(recent: 10), now: now)
                == .tooManyWithoutSuccess(limit: 10, window: 600))
    }

    @Test("the window starts at the last approval when that is later than the window's own start")
    func approvalForgives() {
        #expect(admission.windowStart(now: now, lastApproval: nil) == now.addingTimeInterval(-600))
        #expect(admission.windowStart(now: now, lastApproval: now - 7200) == now.addingTimeInterval(-600))
        #expect(admission.windowStart(now: now, lastApproval: now - 60) == now.addingTimeInterval(-60))
    }
}

@Suite("Sign-in eligibility")
struct SignInEligibilityTests {
    @Test("an unknown user and a disabled user are refused; an enabled one goes on")
    func eligibility() {
        #expect(SignInEligibility.refusal(requestedName: "bob", user: nil) == .unknownUser("bob"))
        #expect(SignInEligibility.refusal(requestedName: "BOB", user: ("bob", .disabled)) == .userDisabled("bob"))
        #expect(SignInEligibility.refusal(requestedName: "bob", user: ("bob", .enabled)) == nil)
    }
}

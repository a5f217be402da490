import CountersignCore

// Status and state columns are read into their enums here and nowhere else. The schema's CHECK
// constraints keep other values out; should one appear anyway (a row written by a newer version),
// it reads as the value that grants the least.

extension UserStatus {
    init(stored: String) { self = UserStatus(rawValue: stored) ?? .disabled }
}

extension DeviceStatus {
    init(stored: String) { self = DeviceStatus(rawValue: stored) ?? .removed }
}

extension AuthState {
    init(stored: String) { self = AuthState(rawValue: stored) ?? .failed }
}

extension AuthMethod {
    /// A method column; `fallback` is the table's own method (push for challenges, SMS for phone challenges).
    init(stored: String, fallback: AuthMethod) { self = AuthMethod(rawValue: stored) ?? fallback }
}

extension DevicePlatform {
    /// An unknown platform is polled, never pushed to.
    init(stored: String) { self = DevicePlatform(rawValue: stored) ?? .pollOnly }
}

extension PushEnvironment {
    init(stored: String) { self = PushEnvironment(rawValue: stored) ?? .production }
}

extension BillingModel {
    init(stored: String) { self = BillingModel(rawValue: stored) ?? .perUser }
}

extension AuthLogResult {
    init(stored: String) { self = AuthLogResult(rawValue: stored) ?? .denied }
}

extension TokenSeed.Kind {
    init(stored: String) { self = TokenSeed.Kind(rawValue: stored) ?? .totp }
}

extension OATHAlgorithm {
    init(stored: String) { self = OATHAlgorithm(rawValue: stored) ?? .sha1 }
}

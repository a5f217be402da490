import CountersignCore
import Hummingbird

/// A domain value the HTTP API answers with in the form of one of its views, so a route can hand a
/// use case's result straight to `JSONResponse` and the wire form is chosen here, once.
protocol HTTPRepresentable {
    associatedtype View: Encodable
    var httpView: View { get }
}

extension Provider: HTTPRepresentable { var httpView: ProviderView { ProviderView(self) } }
extension Activation: HTTPRepresentable { var httpView: ActivationView { ActivationView(self) } }
extension User: HTTPRepresentable { var httpView: UserView { UserView(self) } }
extension Device: HTTPRepresentable { var httpView: DeviceView { DeviceView(self) } }
extension RelyingParty: HTTPRepresentable { var httpView: ClientView { ClientView(self) } }
extension HardwareToken: HTTPRepresentable { var httpView: TokenView { TokenView(self) } }
extension AppPasswordEntry: HTTPRepresentable { var httpView: AppPasswordView { AppPasswordView(self) } }
extension ReactivationSummary: HTTPRepresentable { var httpView: ReactivationResult { ReactivationResult(self) } }
extension UserResetSummary: HTTPRepresentable { var httpView: UserResetResult { UserResetResult(self) } }
extension RepairProgress: HTTPRepresentable { var httpView: RepairStatus { RepairStatus(self) } }
extension LogPruning: HTTPRepresentable { var httpView: PruneLogResult { PruneLogResult(self) } }
extension RadiusClient: HTTPRepresentable { var httpView: RadiusClientView { RadiusClientView(self) } }

extension JSONResponse {
    static func make<Value: HTTPRepresentable>(_ value: Value, status: HTTPResponse.Status = .ok) throws -> Response {
        try make(value.httpView, status: status)
    }

    static func make<Value: HTTPRepresentable>(_ values: [Value], status: HTTPResponse.Status = .ok) throws
        -> Response
    {
        try make(values.map(\.httpView), status: status)
    }
}

extension AuthLogSlice: HTTPRepresentable { var httpView: AuthLogPage { AuthLogPage(self) } }
extension UsageMonth: HTTPRepresentable { var httpView: UsageReport { UsageReport(self) } }

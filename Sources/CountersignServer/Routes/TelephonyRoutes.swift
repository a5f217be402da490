import CountersignCore
import Foundation
import Hummingbird

/// A provider's telephony gateways (admin API); credentials are sealed at rest and never returned.
struct TelephonyRoutes {
    let environment: ServerEnvironment

    static let maxGateways = 5

    func register(on group: RouterGroup<CountersignRequestContext>) {
        group.put("providers/:name/telephony") { request, context in
            let name = try context.pathParameter("name")
            let body = try Self.validated(try await request.decodeJSON(TelephonySettings.self, context: context))
            try await environment.store.setTelephonySettings(body, provider: name)
            context.logger.notice(
                "telephony gateways set", metadata: ["provider": "\(name)", "gateways": "\(body.gateways.count)"])
            return try JSONResponse.make(TelephonySettingsView(body))
        }

        group.get("providers/:name/telephony") { _, context in
            let name = try context.pathParameter("name")
            let settings = try await environment.store.telephonySettings(provider: name)
            return try JSONResponse.make(TelephonySettingsView(settings ?? TelephonySettings(gateways: [])))
        }
    }

    static func validated(_ settings: TelephonySettings) throws -> TelephonySettings {
        guard (1...maxGateways).contains(settings.gateways.count) else {
            throw APIError.invalid("give 1 to \(maxGateways) gateways, tried in order")
        }
        for (index, gateway) in settings.gateways.enumerated() {
            let field = "gateways[\(index)]"
            guard let url = URL(string: gateway.url), let host = url.host, gateway.url.utf8.count <= 2048 else {
                throw APIError.invalid("\(field).url is not a URL")
            }
            // Credentials go in the header, so plain HTTP is only for a gateway on this machine.
            let local = host == "127.0.0.1" || host == "localhost" || host == "::1"
            guard url.scheme == "https" || (url.scheme == "http" && local) else {
                throw APIError.invalid("\(field).url must be https (http only to this machine)")
            }
            if let header = gateway.authHeader {
                guard header.utf8.count <= 4096, let colon = header.firstIndex(of: ":"), colon != header.startIndex,
                    !header.contains("\n"), !header.contains("\r")
                else { throw APIError.invalid("\(field).authHeader must be one 'Name: value' line") }
            }
            if let template = gateway.bodyTemplate, template.utf8.count > 8192 {
                throw APIError.invalid("\(field).bodyTemplate is longer than 8192 bytes")
            }
            if let roots = gateway.trustRootsPEM {
                guard roots.utf8.count <= 65536, roots.contains("-----BEGIN CERTIFICATE-----") else {
                    throw APIError.invalid("\(field).trustRootsPEM must hold PEM certificates")
                }
            }
        }
        return settings
    }
}

/// Where a telephony gateway reports the keys a called user pressed. No API key: the callback URL
/// carries the call's own secret token, checked against its keyed hash.
struct TelephonyCallbackRoutes {
    let environment: ServerEnvironment

    func register(on group: RouterGroup<CountersignRequestContext>) {
        group.post("telephony/calls/:txid") { request, context in
            let id = try context.pathParameter("txid")
            guard let token = request.uri.queryParameters.get("token"), !token.isEmpty else {
                throw APIError.unauthorized("the callback URL's token is missing")
            }
            let body = try await request.decodeJSON(VoiceCallAnswer.self, context: context)
            let transaction = try await SignIns(environment: environment).answerCall(
                transactionId: id, token: token, digits: body.digits)
            context.logger.info(
                "voice call answered", metadata: ["transaction": "\(id)", "state": "\(transaction.state.rawValue)"])
            return try JSONResponse.make(transaction)
        }
    }
}

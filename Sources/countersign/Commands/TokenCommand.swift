import ArgumentParser
import CountersignClient
import CountersignCore
import Foundation

struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token", abstract: "Hardware OATH tokens: import them from the vendor's file and assign them.",
        subcommands: [Import.self, List.self, Assign.self, Unassign.self, Delete.self])

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import tokens from a CSV or PSKC (RFC 6030) file: all of them, or none.",
            discussion: """
                CSV rows are: serial, Base32 secret, time interval[, algorithm[, digits[, type[, counter]]]]. \
                An encrypted PSKC file needs --key (pre-shared AES key) or --password (PBKDF2). \
                The file is read and checked here, then the decoded tokens go to the server: in one request, or, \
                for more than --part-size tokens, in parts that the server holds apart until the last one \
                arrives and then stores all at once. Either way the import is all or nothing.
                """)
        enum Format: String, ExpressibleByArgument, CaseIterable {
            case csv
            case pskc
        }
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "The vendor's token file.") var file: String
        @Option(help: "csv or pskc (default: from the file's contents).") var format: Format?
        @Option(help: "A PSKC file's pre-shared AES key, in hex.") var key: String?
        @Option(help: "A PSKC file's password (for PBKDF2-derived keys).") var password: String?
        @Option(help: "Tokens per request when the file holds more (1 to 500000).") var partSize = 50_000

        func validate() throws {
            guard (1...500_000).contains(partSize) else { throw ValidationError("--part-size is 1 to 500000") }
        }

        func run() async throws {
            let url = URL(fileURLWithPath: file)
            let size = (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? 0
            guard size <= TokenImportLimits.maximumFileBytes else {
                throw ValidationError("\(file) is larger than \(TokenImportLimits.maximumFileBytes / 1_048_576) MiB")
            }
            let data = try Data(contentsOf: url)
            let seeds = try parse(data)
            progress("Read \(counted(seeds.count, "token")) from \(file); storing them...")
            var client = try connection.makeClient()
            // Storing a few hundred thousand tokens in one transaction takes a while.
            client.timeout = 600
            let result =
                seeds.count <= partSize
                ? try await client.request(
                    "POST", "/v1/tokens", body: ImportTokensRequest(tokens: seeds.map(ImportedToken.init)),
                    as: ImportTokensResult.self)
                : try await importInParts(seeds, client: client)
            print(
                "Imported \(counted(result.imported, "token")). Assign them with 'countersign token assign SERIAL USER'."
            )
        }

        /// Opens an import, sends it part by part, and commits it; on any refusal the import is
        /// abandoned, so nothing of it stays on the server.
        func importInParts(_ seeds: [TokenSeed], client: JSONHTTPClient) async throws -> ImportTokensResult {
            let session = try await client.request("POST", "/v1/token-imports", as: TokenImportSession.self)
            let path = "/v1/token-imports/\(session.id.pathSegment)"
            do {
                let size = min(partSize, session.maxTokensPerPart)
                for start in stride(from: 0, to: seeds.count, by: size) {
                    let part = seeds[start..<min(seeds.count, start + size)].map(ImportedToken.init)
                    let staged = try await client.request(
                        "POST", "\(path)/tokens", body: ImportTokensRequest(tokens: part), as: StagedTokensResult.self)
                    progress("Sent \(staged.staged) of \(counted(seeds.count, "token"))...")
                }
                return try await client.request("POST", "\(path)/commit", as: ImportTokensResult.self)
            } catch {
                try? await client.requestWithoutAnswer("DELETE", path)
                throw error
            }
        }

        func parse(_ data: Data) throws -> [TokenSeed] {
            let detected = format ?? (data.prefix(4096).contains(UInt8(ascii: "<")) ? .pskc : .csv)
            switch detected {
            case .csv:
                guard key == nil, password == nil else {
                    throw ValidationError("--key and --password are for PSKC files")
                }
                return try TokenCSV.parse(bytes: data)
            case .pskc:
                var decryption = PSKCDecryption(password: password)
                if let key {
                    guard let bytes = Hex.decode(key) else {
                        throw ValidationError("--key must be hex, e.g. 0123...ef")
                    }
                    decryption.preSharedKey = bytes
                }
                return try PSKC.parse(data, decryption: decryption) { count in
                    progress("Read \(counted(count, "token"))...")
                }
            }
        }

        func progress(_ line: String) {
            FileHandle.standardError.write(Data((line + "\n").utf8))
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List tokens.")
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var output: OutputOptions
        @Option(help: "Only the tokens assigned to this user.") var user: String?
        @Option(help: "At most this many tokens (default: all of them, read page by page).") var limit: Int?
        @Option(help: "Tokens per page asked of the server (1 to 10000; default: the server's, 1000).")
        var pageSize: Int?

        func validate() throws {
            if let pageSize, !(1...PageRequest.maximumLimit).contains(pageSize) {
                throw ValidationError("--page-size is 1 to \(PageRequest.maximumLimit)")
            }
        }

        func run() async throws {
            let query = [user.map { "user=\($0.queryValue)" }, pageSize.map { "limit=\($0)" }].compactMap { $0 }
            let path = "/v1/tokens" + (query.isEmpty ? "" : "?" + query.joined(separator: "&"))
            let tokens = try await connection.makeClient().requestAll(path, as: TokenView.self, limit: limit)
            try output.print(tokens) { tokens in
                var table = TextTable("SERIAL", "TYPE", "ALGORITHM", "DIGITS", "STEP", "USER", "LAST USED")
                for token in tokens {
                    table.add(
                        token.serial, token.kind.rawValue, token.algorithm.rawValue, String(token.digits),
                        token.kind == .totp ? "\(token.period) s" : "-", token.user.orDash,
                        token.lastUsedAt?.shortText ?? "-")
                }
                return table.rendered
            }
        }
    }

    struct Assign: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Give a token to a user.")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "The token's serial number, as printed on it.") var serial: String
        @Argument(help: "The user's name.") var user: String

        func run() async throws {
            let token = try await connection.makeClient().request(
                "POST", "/v1/tokens/\(serial.pathSegment)/assign", body: AssignTokenRequest(user: user),
                as: TokenView.self)
            print("Token '\(token.serial)' is assigned to '\(token.user ?? user)'")
        }
    }

    struct Unassign: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Take a token back from its user.")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "The token's serial number, as printed on it.") var serial: String

        func run() async throws {
            let token = try await connection.makeClient().request(
                "POST", "/v1/tokens/\(serial.pathSegment)/unassign", as: TokenView.self)
            print("Token '\(token.serial)' is no longer assigned")
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a token and its secret.")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "The token's serial number, as printed on it.") var serial: String

        func run() async throws {
            try await connection.makeClient().requestWithoutAnswer("DELETE", "/v1/tokens/\(serial.pathSegment)")
            print("Deleted token '\(serial)'")
        }
    }
}

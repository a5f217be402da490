import CountersignCore
import Foundation
import Testing

/// Large token files through the command line: an import in parts is all or nothing, and a list
/// longer than a page is read page by page.
@Suite("Importing and listing many hardware tokens through the command line")
struct TokenImportEndToEndTests {
    func csv(_ serials: [String], in workspace: DevWorkspace, named name: String) throws -> String {
        let file = workspace.folder.appendingPathComponent(name)
        let secret = Base32.encode(Array("12345678901234567890".utf8))
        try serials.map { "\($0),\(secret),30" }.joined(separator: "\n").write(
            to: file, atomically: true, encoding: .utf8)
        return file.path
    }

    @Test(
        "a file larger than a part goes in parts and is stored whole; one stored serial in its last part refuses it all; token list follows every page"
    )
    func importInParts() async throws {
        let workspace = try DevWorkspace()
        defer { workspace.remove() }
        let server = try await workspace.startServer()
        let serials = (1...2500).map { String(format: "P%05d", $0) }

        let imported = try workspace.admin(
            server, ["token", "import", try csv(serials, in: workspace, named: "first.csv"), "--part-size", "1000"])
        #expect(imported.status == 0, "\(imported.errors)")
        #expect(imported.output.contains("Imported 2500 tokens"), "\(imported.output)")
        #expect(imported.errors.contains("Sent 1000 of 2500 tokens"), "\(imported.errors)")

        let listed = try workspace.admin(server, ["token", "list", "--format", "json"])
        let tokens = try APIJSON.makeDecoder().decode([TokenView].self, from: Data(listed.output.utf8))
        #expect(tokens.map(\.serial) == serials)
        let few = try workspace.admin(
            server, ["token", "list", "--format", "json", "--limit", "3", "--page-size", "2"])
        #expect(try APIJSON.makeDecoder().decode([TokenView].self, from: Data(few.output.utf8)).count == 3)

        // 2,100 new serials, the last of which is already stored: refused whole, in its third part.
        let second = (1...2099).map { String(format: "Q%05d", $0) } + ["p02500"]
        let refused = try workspace.admin(
            server, ["token", "import", try csv(second, in: workspace, named: "second.csv"), "--part-size", "1000"])
        #expect(refused.status != 0)
        #expect(refused.errors.contains("'p02500' is already stored"), "\(refused.errors)")
        let after = try workspace.admin(server, ["token", "list", "--format", "json"])
        #expect(try APIJSON.makeDecoder().decode([TokenView].self, from: Data(after.output.utf8)).count == 2500)

        // In a terminal 70 columns wide, a long serial is cut to fit; piped, it is whole.
        let long = "VENDOR-" + String(repeating: "7", count: 50)
        let single = try workspace.admin(
            server, ["token", "import", try csv([long], in: workspace, named: "long.csv")])
        #expect(single.status == 0)
        // A count agrees with its noun.
        #expect(single.output.contains("Imported 1 token."), "\(single.output)")
        #expect(try workspace.admin(server, ["user", "add", "ann"]).status == 0)
        #expect(try workspace.admin(server, ["token", "assign", long, "ann"]).status == 0)
        let piped = try workspace.admin(server, ["token", "list", "--user", "ann"])
        #expect(piped.output.contains(long))
        let token = try workspace.adminToken()
        let terminal = Terminal()
        defer { terminal.close() }
        try terminal.start(
            "env \(workspace.caShellPrefix)COUNTERSIGN_SERVER='\(server.url)' COUNTERSIGN_TOKEN='\(token)' "
                + "'\(Executables.directory.appendingPathComponent("countersign").path)' token list --user ann "
                + "&& echo LISTED",
            width: 70)
        _ = try await terminal.waitFor("LISTED")
        let shown = try terminal.joinedScreen()
        #expect(shown.contains("VENDOR-777") && shown.contains("…") && !shown.contains(long), "\(shown)")
        for line in shown.split(separator: "\n") where line.contains("VENDOR") || line.contains("SERIAL") {
            #expect(line.count <= 70, "\(line)")
        }
        #expect(try await server.terminate() == 0)
    }
}

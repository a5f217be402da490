import Foundation
import Testing

/// The help of both executables, read from ArgumentParser's own description of every command
/// (`--experimental-dump-help`), so a new command or flag cannot slip through without words.
@Suite("Help texts")
struct HelpTextTests {
    struct Problem: CustomStringConvertible {
        var command: String
        var what: String
        var description: String { "\(command): \(what)" }
    }

    /// Every argument, option and flag of `command` and its subcommands that has no description,
    /// and every text broken mid-sentence by a hard line break (help output wraps by itself).
    static func problems(in command: [String: Any], path: String) -> [Problem] {
        let name = [path, command["commandName"] as? String ?? ""].filter { !$0.isEmpty }.joined(separator: " ")
        var found: [Problem] = []
        for argument in command["arguments"] as? [[String: Any]] ?? [] where argument["shouldDisplay"] as? Bool != false
        {
            let label = argument["valueName"] as? String ?? "?"
            let abstract = (argument["abstract"] as? String ?? "").trimmingCharacters(in: .whitespaces)
            if abstract.isEmpty { found.append(Problem(command: name, what: "'\(label)' has no description")) }
            if let broken = midSentenceBreak(in: abstract) {
                found.append(Problem(command: name, what: "'\(label)' breaks a line mid-sentence at '\(broken)'"))
            }
        }
        for key in ["abstract", "discussion"] {
            if let text = command[key] as? String, let broken = midSentenceBreak(in: text) {
                found.append(Problem(command: name, what: "its \(key) breaks a line mid-sentence at '\(broken)'"))
            }
        }
        // ArgumentParser's own `help` command is not ours to describe.
        for subcommand in command["subcommands"] as? [[String: Any]] ?? []
        where subcommand["commandName"] as? String != "help" {
            found += problems(in: subcommand, path: name)
        }
        return found
    }

    /// A line break inside a sentence: after a letter, digit or comma, and not before a list item
    /// or a blank line.
    static func midSentenceBreak(in text: String) -> String? {
        let characters = Array(text)
        for index in characters.indices.dropFirst().dropLast() where characters[index] == "\n" {
            let before = characters[index - 1]
            let after = characters[index + 1]
            guard before.isLetter || before.isNumber || before == ",", after != "\n", after != "-", after != " "
            else { continue }
            let start = max(0, index - 20)
            return String(characters[start..<min(characters.count, index + 20)]).replacingOccurrences(
                of: "\n", with: "⏎")
        }
        return nil
    }

    @Test(
        "every argument, option and flag of countersign and countersign-phone has a description, and no help text is broken mid-sentence",
        arguments: ["countersign", "countersign-phone"])
    func everyArgumentIsDescribed(_ executable: String) throws {
        let dumped = try Executables.run(executable, ["--experimental-dump-help"])
        #expect(dumped.status == 0, "\(dumped.errors)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(dumped.output.utf8)) as? [String: Any])
        let root = try #require(json["command"] as? [String: Any])
        #expect((root["subcommands"] as? [Any])?.isEmpty == false)
        let problems = Self.problems(in: root, path: "")
        #expect(problems.isEmpty, "\(problems.map(\.description).joined(separator: "\n"))")
    }
}

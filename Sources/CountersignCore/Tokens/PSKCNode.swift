import Foundation

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// A small element tree for one top-level part of a PSKC document (EncryptionKey, MACMethod or one
/// KeyPackage). Names are local names: PSKC files use any namespace prefix they like.
final class PSKCNode {
    let name: String
    let attributes: [String: String]
    var text = ""
    var children: [PSKCNode] = []

    init(name: String, attributes: [String: String]) {
        self.name = name
        self.attributes = attributes
    }

    func child(_ name: String) -> PSKCNode? { children.first { $0.name == name } }

    func children(_ name: String) -> [PSKCNode] { children.filter { $0.name == name } }

    /// Follows a path of child names.
    func find(_ path: String...) -> PSKCNode? {
        var node: PSKCNode? = self
        for name in path { node = node?.child(name) }
        return node
    }

    var trimmedText: String { text.trimmingCharacters(in: .whitespacesAndNewlines) }
}

/// Reads a PSKC document with XMLParser, refusing anything a key file never needs: a DTD (which
/// could declare external or recursively expanding entities), deep nesting, or huge text nodes.
/// Each top-level child of KeyContainer is handed over as soon as it closes, so memory stays
/// proportional to one KeyPackage, not to the file.
final class PSKCReader: NSObject, XMLParserDelegate {
    static let maximumDepth = 32
    static let maximumTextBytes = 1_048_576

    private let onPart: (PSKCNode) throws(TokenImportError) -> Void
    private var stack: [PSKCNode] = []
    private var depth = 0
    private var failure: TokenImportError?

    init(onPart: @escaping (PSKCNode) throws(TokenImportError) -> Void) {
        self.onPart = onPart
    }

    func read(_ data: Data) throws(TokenImportError) {
        guard data.count <= TokenImportLimits.maximumFileBytes else {
            throw TokenImportError("file", "larger than \(TokenImportLimits.maximumFileBytes / 1_048_576) MiB")
        }
        // The declaration check below reads bytes as ASCII; in UTF-16 or UTF-32 (or EBCDIC) "<!"
        // is other bytes, so only encodings in which it is these bytes are read at all.
        if let problem = Self.encodingProblem(in: data) { throw TokenImportError("file", problem) }
        if let offset = Self.declarationOffset(in: data) {
            throw TokenImportError(
                "file",
                "a DTD or entity declaration at byte \(offset); PSKC files need none, and they can hide external or expanding entities"
            )
        }
        // A stream is fed to libxml2 in chunks: one chunk of more than 10 MB trips its lookup limit.
        let parser = XMLParser(stream: InputStream(data: data))
        parser.shouldProcessNamespaces = true
        parser.shouldResolveExternalEntities = false
        parser.delegate = self
        let parsed = parser.parse()
        if let failure { throw failure }
        guard parsed else {
            let detail = parser.parserError.map { ($0 as NSError).localizedDescription } ?? "unknown error"
            throw TokenImportError("line \(parser.lineNumber)", "the XML is malformed (\(detail))")
        }
        guard depth == 0, sawRoot else { throw TokenImportError("file", "no KeyContainer element") }
    }

    /// Why the file is not UTF-8 (or its ASCII subset), if it is not: a UTF-16 or UTF-32 byte-order
    /// mark, NUL bytes, or an XML declaration naming another encoding.
    static func encodingProblem(in data: Data) -> String? {
        let head = Array(data.prefix(256))
        let marks: [([UInt8], String)] = [
            ([0x00, 0x00, 0xFE, 0xFF], "UTF-32"), ([0xFF, 0xFE, 0x00, 0x00], "UTF-32"), ([0xFE, 0xFF], "UTF-16"),
            ([0xFF, 0xFE], "UTF-16"),
        ]
        for (mark, name) in marks where head.starts(with: mark) {
            return "the file is \(name) (by its byte-order mark); PSKC files must be UTF-8"
        }
        if data.contains(0) { return "the file has NUL bytes; PSKC files must be UTF-8 text" }
        let text = String(
            decoding: head.starts(with: [0xEF, 0xBB, 0xBF]) ? Array(head.dropFirst(3)) : head, as: UTF8.self)
        if text.hasPrefix("<?xml"), let end = text.range(of: "?>") {
            let declaration = text[..<end.lowerBound].lowercased()
            if let range = declaration.range(of: "encoding") {
                let value = declaration[range.upperBound...].drop { $0 == " " || $0 == "=" || $0 == "\"" || $0 == "'" }
                    .prefix { $0 != "\"" && $0 != "'" && $0 != " " }
                guard ["utf-8", "utf8", "us-ascii", "ascii"].contains(String(value)) else {
                    return "the file declares encoding '\(value.prefix(40))'; PSKC files must be UTF-8"
                }
            }
        }
        return nil
    }

    /// Where a `<!` followed by a letter (DOCTYPE, ENTITY, ELEMENT...) starts, if anywhere.
    /// Comments (`<!--`) and CDATA (`<![CDATA[`) are not declarations.
    static func declarationOffset(in data: Data) -> Int? {
        data.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) -> Int? in
            guard buffer.count >= 3 else { return nil }
            for index in 0..<(buffer.count - 2) where buffer[index] == UInt8(ascii: "<") {
                guard buffer[index + 1] == UInt8(ascii: "!") else { continue }
                let next = buffer[index + 2] | 0x20
                if next >= UInt8(ascii: "a") && next <= UInt8(ascii: "z") { return index }
            }
            return nil
        }
    }

    private var sawRoot = false

    private func fail(_ parser: XMLParser, _ error: TokenImportError) {
        if failure == nil { failure = error }
        parser.abortParsing()
    }

    func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {
        guard failure == nil else { return }
        depth += 1
        if depth == 1 {
            guard elementName == "KeyContainer", namespaceURI == "urn:ietf:params:xml:ns:keyprov:pskc" else {
                return fail(
                    parser, TokenImportError("root element", "'\(elementName.prefix(40))' is not a PSKC KeyContainer"))
            }
            if let version = attributes["Version"], version != "1.0" {
                return fail(
                    parser, TokenImportError("KeyContainer", "version \(version.prefix(10)) is not supported (1.0)"))
            }
            sawRoot = true
            return
        }
        guard depth <= Self.maximumDepth else {
            return fail(
                parser,
                TokenImportError("line \(parser.lineNumber)", "elements nested deeper than \(Self.maximumDepth)"))
        }
        let node = PSKCNode(name: elementName, attributes: attributes)
        stack.last?.children.append(node)
        stack.append(node)
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        guard failure == nil, let node = stack.last else { return }
        guard node.text.utf8.count + string.utf8.count <= Self.maximumTextBytes else {
            return fail(parser, TokenImportError(node.name, "text longer than \(Self.maximumTextBytes) bytes"))
        }
        node.text += string
    }

    func parser(
        _ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?
    ) {
        guard failure == nil else { return }
        depth -= 1
        guard depth >= 1, let node = stack.popLast() else { return }
        if stack.isEmpty {
            do {
                try onPart(node)
            } catch {
                fail(parser, error)
            }
        }
    }

    func parser(_ parser: XMLParser, foundInternalEntityDeclarationWithName name: String, value: String?) {
        fail(parser, TokenImportError("file", "an entity declaration ('\(name.prefix(40))')"))
    }

    func parser(
        _ parser: XMLParser, foundExternalEntityDeclarationWithName name: String, publicID: String?, systemID: String?
    ) {
        fail(parser, TokenImportError("file", "an external entity declaration ('\(name.prefix(40))')"))
    }

    func parser(_ parser: XMLParser, resolveExternalEntityName name: String, systemID: String?) -> Data? {
        fail(parser, TokenImportError("file", "a reference to an external entity ('\(name.prefix(40))')"))
        return nil
    }
}

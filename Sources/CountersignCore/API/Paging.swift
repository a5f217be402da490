/// One page of a list that can be long (tokens, users, devices): the items after a key, in key
/// order. Keys, not offsets, so a page never repeats or skips a row that another writer added.
public struct PageRequest: Sendable, Equatable {
    /// Enough for a screen or a script's batch, small enough that serving it costs little memory.
    public static let defaultLimit = 1000
    public static let maximumLimit = 10_000
    /// A key is a serial, a name or a device id; none is longer.
    public static let maximumKeyBytes = 256

    /// Only items whose key sorts after this one.
    public var after: String?
    public var limit: Int

    public init(after: String? = nil, limit: Int = PageRequest.defaultLimit) {
        self.after = after
        self.limit = limit
    }

    /// Reads `after` and `limit` as a query gives them, refusing what is out of range.
    public init(after: String?, limit: String?) throws(Validation.Failure) {
        if let after {
            guard !after.isEmpty, after.utf8.count <= Self.maximumKeyBytes else {
                throw Validation.Failure("after must be a key of 1 to \(Self.maximumKeyBytes) bytes")
            }
        }
        var count = Self.defaultLimit
        if let limit {
            guard let parsed = Int(limit), (1...Self.maximumLimit).contains(parsed) else {
                throw Validation.Failure("limit must be a whole number from 1 to \(Self.maximumLimit)")
            }
            count = parsed
        }
        self.init(after: after, limit: count)
    }

    /// Cuts the rows a store read (it asks for one more than the limit, to know whether more
    /// follow) into the page and the key to continue after.
    public func page<Item>(of rows: [Item], key: (Item) -> String) -> Page<Item> {
        guard rows.count > limit else { return Page(items: rows, nextAfter: nil) }
        let items = Array(rows.prefix(limit))
        return Page(items: items, nextAfter: items.last.map(key))
    }
}

public struct Page<Item> {
    public var items: [Item]
    /// The key to ask for the next page after; nil on the last page.
    public var nextAfter: String?

    public init(items: [Item], nextAfter: String?) {
        self.items = items
        self.nextAfter = nextAfter
    }

    public func map<Other>(_ transform: (Item) throws -> Other) rethrows -> Page<Other> {
        Page<Other>(items: try items.map(transform), nextAfter: nextAfter)
    }
}

extension Page: Sendable where Item: Sendable {}
extension Page: Equatable where Item: Equatable {}

/// A set of operation commands, one bit per action of the catalogue.
///
/// Iterating yields actions in catalogue order, which is the output order of the API.
public struct ActionSet: Hashable, Sendable, Sequence {
    public private(set) var bits: UInt64

    public init(bits: UInt64 = 0) {
        self.bits = bits
    }

    public init(_ actions: some Sequence<JobActionName>) {
        self.bits = 0
        for action in actions { insert(action) }
    }

    /// Every action of the catalogue.
    public static let all = ActionSet(JobActionName.allCases)

    public func contains(_ action: JobActionName) -> Bool {
        bits & Self.bit(action) != 0
    }

    public mutating func insert(_ action: JobActionName) {
        bits |= Self.bit(action)
    }

    public func union(_ other: ActionSet) -> ActionSet { ActionSet(bits: bits | other.bits) }
    public func subtracting(_ other: ActionSet) -> ActionSet { ActionSet(bits: bits & ~other.bits) }
    /// The actions of the catalogue that are not in this set.
    public var complement: ActionSet { ActionSet.all.subtracting(self) }

    public func makeIterator() -> Iterator { Iterator(remaining: bits) }

    /// Walks the set bits, lowest (earliest in the catalogue) first.
    public struct Iterator: IteratorProtocol {
        var remaining: UInt64

        public mutating func next() -> JobActionName? {
            guard remaining != 0 else { return nil }
            let index = remaining.trailingZeroBitCount
            remaining &= remaining - 1
            return ActionSet.catalogue[index]
        }
    }

    private static let catalogue = Array(JobActionName.allCases)

    private static let indexOf: [JobActionName: Int] = Dictionary(
        uniqueKeysWithValues: JobActionName.allCases.enumerated().map { ($1, $0) }
    )

    private static func bit(_ action: JobActionName) -> UInt64 {
        1 << UInt64(indexOf[action]!)
    }
}

extension ActionSet: ExpressibleByArrayLiteral {
    public init(arrayLiteral elements: JobActionName...) {
        self.init(elements)
    }
}

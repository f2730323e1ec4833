/// The durations of the simulated steps (`lifecycle.md` §5.1), in milliseconds, scaled by `drs serve --pace`.
public struct LifeDurations: Equatable, Sendable {
    /// `CREATING` → `CONFIGURATION`.
    public var create: Int64
    /// `STARTJOBING` → transfer; `FULL_TRANSFER_COMPLETE` → `INCRE_TRANSFER_STARTED`; a pre-check run; the
    /// `incremental` fault.
    public var start: Int64
    /// The full phase.
    public var full: Int64
    /// `current_action` `STOP_JOB` → `PAUSING`.
    public var pause: Int64
    /// `RELEASE_RESOURCE_STARTED` → `RELEASE_RESOURCE_COMPLETE`.
    public var release: Int64
    /// `current_action` `SWITCH_OVER` → switched.
    public var switchOver: Int64

    public init(create: Int64, start: Int64, full: Int64, pause: Int64, release: Int64, switchOver: Int64) {
        self.create = create
        self.start = start
        self.full = full
        self.pause = pause
        self.release = release
        self.switchOver = switchOver
    }

    /// The defaults: 3 s, 3 s, 30 s, 2 s, 3 s, 3 s.
    public static let standard = LifeDurations(create: 3_000, start: 3_000, full: 30_000, pause: 2_000, release: 3_000, switchOver: 3_000)

    /// The defaults multiplied by `pace` (≥ 0), rounded to milliseconds.
    public init(pace: Double) {
        precondition(pace >= 0 && pace.isFinite, "pace must be a finite number >= 0")
        func scaled(_ value: Int64) -> Int64 { Int64((Double(value) * pace).rounded()) }
        let standard = Self.standard
        self.init(
            create: scaled(standard.create),
            start: scaled(standard.start),
            full: scaled(standard.full),
            pause: scaled(standard.pause),
            release: scaled(standard.release),
            switchOver: scaled(standard.switchOver)
        )
    }

    /// Parses `--pace`: a decimal number ≥ 0 (`1`, `0.5`, `0`); nil otherwise.
    public static func pace(_ text: String) -> Double? {
        guard !text.isEmpty, text.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }),
            text.filter({ $0 == "." }).count <= 1, text.first != ".", text.last != ".",
            let value = Double(text), value.isFinite, value <= 1_000_000
        else { return nil }
        return value
    }
}

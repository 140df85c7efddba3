/// The dates on which nobody is contacted (R4): the shipped US federal list, computed from its
/// statutory rules (5 U.S.C. 6103), plus any dates the operator adds.
///
/// Both the statutory date and its observed weekday (Saturday → Friday, Sunday → Monday) are
/// quiet days: a debtor may well be off on either.
public struct HolidayCalendar: Sendable, Equatable {
    /// Whether the US federal holidays apply.
    public var usFederal: Bool
    /// Extra dates from the config.
    public var extra: Set<LocalDate>

    /// The federal dates of the years the planner can reach, computed once: the window search
    /// asks about every candidate day of every zone.
    private let federal: [LocalDate: String]

    public init(usFederal: Bool = true, extra: Set<LocalDate> = []) {
        self.usFederal = usFederal
        self.extra = extra
        self.federal = usFederal ? Self.federalTable : [:]
    }

    /// The holiday's name when `date` is a quiet day, else nil.
    public func holiday(on date: LocalDate) -> String? {
        if extra.contains(date) { return "operator holiday" }
        guard usFederal else { return nil }
        return federal[date]
            ?? (Self.tableYears.contains(date.year) ? nil : Self.usFederalHolidays(in: date.year)[date])
    }

    private static let tableYears = 2000...2100
    private static let federalTable: [LocalDate: String] = tableYears.reduce(into: [:]) { table, year in
        table.merge(usFederalHolidays(in: year)) { first, _ in first }
    }

    /// The US federal holidays of `year`, with their observed dates.
    public static func usFederalHolidays(in year: Int) -> [LocalDate: String] {
        var table: [LocalDate: String] = [:]
        func add(_ date: LocalDate?, _ name: String) {
            guard let date else { return }
            table[date] = name
            switch date.weekday {
            case .sat: table[date.adding(days: -1)] = name + " (observed)"
            case .sun: table[date.adding(days: 1)] = name + " (observed)"
            default: break
            }
        }
        add(LocalDate(year: year, month: 1, day: 1), "New Year's Day")
        add(nth(3, .mon, 1, year), "Birthday of Martin Luther King, Jr.")
        add(nth(3, .mon, 2, year), "Washington's Birthday")
        add(last(.mon, 5, year), "Memorial Day")
        if year >= 2021 { add(LocalDate(year: year, month: 6, day: 19), "Juneteenth National Independence Day") }
        add(LocalDate(year: year, month: 7, day: 4), "Independence Day")
        add(nth(1, .mon, 9, year), "Labor Day")
        add(nth(2, .mon, 10, year), "Columbus Day")
        add(LocalDate(year: year, month: 11, day: 11), "Veterans Day")
        add(nth(4, .thu, 11, year), "Thanksgiving Day")
        add(LocalDate(year: year, month: 12, day: 25), "Christmas Day")
        // New Year's Day of next year observed on this year's 31 December.
        if let next = LocalDate(year: year + 1, month: 1, day: 1), next.weekday == .sat {
            table[next.adding(days: -1)] = "New Year's Day (observed)"
        }
        return table
    }

    private static func nth(_ n: Int, _ weekday: Weekday, _ month: Int, _ year: Int) -> LocalDate? {
        guard let first = LocalDate(year: year, month: month, day: 1) else { return nil }
        let offset =
            (Weekday.allCases.firstIndex(of: weekday)! - Weekday.allCases.firstIndex(of: first.weekday)! + 7) % 7
        return first.adding(days: offset + 7 * (n - 1))
    }

    private static func last(_ weekday: Weekday, _ month: Int, _ year: Int) -> LocalDate? {
        guard let first = nth(1, weekday, month, year) else { return nil }
        var date = first
        while date.adding(days: 7).month == month { date = date.adding(days: 7) }
        return date
    }
}

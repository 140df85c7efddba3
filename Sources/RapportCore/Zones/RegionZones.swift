/// The IANA time zones of each US state and territory and each Canadian province (R3), by the
/// ISO 3166-2 code an agreement's `region` carries (`US-TX`, `CA-ON`).
///
/// Source: the IANA tz database's zone descriptions (zone1970.tab) and the US DOT time-zone
/// boundaries (49 CFR part 71). A region that spans a boundary lists every zone it covers,
/// its most populous first: R2 intersects the windows of all of them.
enum RegionZones {
    static let zones: [String: [String]] = [
        "US-AL": ["America/Chicago"], "US-AK": ["America/Anchorage", "America/Adak"],
        "US-AZ": ["America/Phoenix", "America/Denver"],
        "US-AR": ["America/Chicago"], "US-CA": ["America/Los_Angeles"], "US-CO": ["America/Denver"],
        "US-CT": ["America/New_York"],
        "US-DE": ["America/New_York"], "US-DC": ["America/New_York"], "US-FL": ["America/New_York", "America/Chicago"],
        "US-GA": ["America/New_York"], "US-HI": ["Pacific/Honolulu"],
        "US-ID": ["America/Boise", "America/Los_Angeles"],
        "US-IL": ["America/Chicago"], "US-IN": ["America/Indiana/Indianapolis", "America/Chicago"],
        "US-IA": ["America/Chicago"],
        "US-KS": ["America/Chicago", "America/Denver"], "US-KY": ["America/New_York", "America/Chicago"],
        "US-LA": ["America/Chicago"],
        "US-ME": ["America/New_York"], "US-MD": ["America/New_York"], "US-MA": ["America/New_York"],
        "US-MI": ["America/Detroit", "America/Menominee"], "US-MN": ["America/Chicago"], "US-MS": ["America/Chicago"],
        "US-MO": ["America/Chicago"], "US-MT": ["America/Denver"], "US-NE": ["America/Chicago", "America/Denver"],
        "US-NV": ["America/Los_Angeles"], "US-NH": ["America/New_York"], "US-NJ": ["America/New_York"],
        "US-NM": ["America/Denver"],
        "US-NY": ["America/New_York"], "US-NC": ["America/New_York"], "US-ND": ["America/Chicago", "America/Denver"],
        "US-OH": ["America/New_York"], "US-OK": ["America/Chicago"], "US-OR": ["America/Los_Angeles", "America/Boise"],
        "US-PA": ["America/New_York"], "US-RI": ["America/New_York"], "US-SC": ["America/New_York"],
        "US-SD": ["America/Chicago", "America/Denver"], "US-TN": ["America/Chicago", "America/New_York"],
        "US-TX": ["America/Chicago", "America/Denver"], "US-UT": ["America/Denver"], "US-VT": ["America/New_York"],
        "US-VA": ["America/New_York"], "US-WA": ["America/Los_Angeles"], "US-WV": ["America/New_York"],
        "US-WI": ["America/Chicago"],
        "US-WY": ["America/Denver"], "US-PR": ["America/Puerto_Rico"], "US-VI": ["America/St_Thomas"],
        "US-GU": ["Pacific/Guam"],
        "US-MP": ["Pacific/Saipan"], "US-AS": ["Pacific/Pago_Pago"],
        "CA-AB": ["America/Edmonton"], "CA-BC": ["America/Vancouver", "America/Edmonton"],
        "CA-MB": ["America/Winnipeg"],
        "CA-NB": ["America/Moncton"], "CA-NL": ["America/St_Johns", "America/Halifax"], "CA-NS": ["America/Halifax"],
        "CA-NT": ["America/Yellowknife"], "CA-NU": ["America/Iqaluit", "America/Winnipeg", "America/Edmonton"],
        "CA-ON": ["America/Toronto", "America/Winnipeg"], "CA-PE": ["America/Halifax"], "CA-QC": ["America/Toronto"],
        "CA-SK": ["America/Regina"], "CA-YT": ["America/Whitehorse"],
    ]
}

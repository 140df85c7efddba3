import Foundation

/// Turns one JSON Lines record of `rapportctl import agreements` into a validated `Agreement`.
///
/// Everything an import line can get wrong is caught here, before storage, with a message that
/// names the field. An unknown key is refused too, naming it and the known ones: a misspelt
/// key would otherwise silently drop what the debtor asked for.
public enum AgreementImport {
    /// Validates one line.
    public static func parse(line: String) throws(ImportError) -> Agreement {
        try parse(try JSONValue.parse(line: line))
    }

    /// Validates one decoded record.
    public static func parse(_ value: JSONValue) throws(ImportError) -> Agreement {
        let root = try FieldReader(value, path: "")
        try root.onlyKeys([
            "id", "debtor", "timezone", "timezones", "region", "jurisdiction", "contacts", "consent",
            "preferred_channel",
            "inconvenient", "cadence", "currency", "installments", "reference", "welcome",
        ])
        guard let id = try root.identifier("id") else { throw ImportError("id is missing") }

        guard let debtorFields = try root.object("debtor") else { throw ImportError("debtor is missing") }
        try debtorFields.onlyKeys(["id", "name", "preferred_name", "given_name", "locale"])
        let debtor = Debtor(
            id: try debtorFields.identifier("id") ?? id,
            name: try debtorFields.requiredString("name", maxLength: 200),
            preferredName: try debtorFields.string("preferred_name", maxLength: 200).flatMap { $0.isEmpty ? nil : $0 },
            givenName: try debtorFields.string("given_name", maxLength: 200).flatMap { $0.isEmpty ? nil : $0 },
            locale: try locale(debtorFields.string("locale", maxLength: 35)))

        let timezone = try root.string("timezone", maxLength: 100)
        let timezones = try root.array("timezones").map { items throws(ImportError) in
            try items.enumerated().map { index, item throws(ImportError) -> String in
                guard case .string(let text) = item else { throw ImportError("timezones[\(index)] must be a string") }
                return text
            }
        }
        if timezone != nil, timezones != nil { throw ImportError("give either timezone or timezones, not both") }
        if let timezones, timezones.isEmpty { throw ImportError("timezones is empty; leave it out to infer the zone") }
        for (index, zone) in ((timezone.map { [$0] } ?? timezones) ?? []).enumerated() {
            guard TimeZone(identifier: zone) != nil, zone.utf8.contains(UInt8(ascii: "/")) || zone == "UTC" else {
                let field = timezone != nil ? "timezone" : "timezones[\(index)]"
                throw ImportError(
                    "\(field) \"\(zone.prefix(60))\" is not a known IANA time zone such as America/Chicago")
            }
        }

        let region = try root.string("region", maxLength: 20)
        if let region, !isRegion(region) { throw ImportError("region \"\(region)\" is not like US-TX") }
        let jurisdiction = try root.string("jurisdiction", maxLength: 20)
        if let jurisdiction, !isRegion(jurisdiction) {
            throw ImportError("jurisdiction \"\(jurisdiction)\" is not like US-MA")
        }

        guard let contactFields = try root.object("contacts") else { throw ImportError("contacts is missing") }
        var contacts: [Channel: String] = [:]
        for key in contactFields.fields.keys.sorted() {
            let channel = try FieldReader.channel(key, field: "contacts.\(key)")
            guard let address = try contactFields.string(key, maxLength: 500) else { continue }
            try validate(address: address, for: channel)
            contacts[channel] = address
        }
        guard !contacts.isEmpty else { throw ImportError("contacts needs at least one of sms, email, voice, letter") }

        let consentFields = try root.object("consent")
        try consentFields?.onlyKeys(["sms"])
        let consent = Consent(sms: try consentFields?.bool("sms") ?? false)
        let preferred = try root.channel("preferred_channel")

        var inconvenient: Inconvenience?
        if let fields = try root.object("inconvenient") {
            try fields.onlyKeys(["before", "after", "days", "channels"])
            let days = try (fields.array("days") ?? []).enumerated().map { index, item throws(ImportError) -> Weekday in
                guard case .string(let text) = item, let day = Weekday(rawValue: text.lowercased()) else {
                    throw ImportError("inconvenient.days[\(index)] must be one of mon, tue, wed, thu, fri, sat, sun")
                }
                return day
            }
            let channels = try (fields.array("channels") ?? []).enumerated().map {
                index, item throws(ImportError) -> Channel in
                guard case .string(let text) = item else {
                    throw ImportError("inconvenient.channels[\(index)] must be a string")
                }
                return try FieldReader.channel(text, field: "inconvenient.channels[\(index)]")
            }
            inconvenient = Inconvenience(
                before: try fields.time("before"), after: try fields.time("after"), days: days, channels: channels)
        }

        let cadence = try root.identifier("cadence")?.rawValue ?? "standard"
        let currency = try root.string("currency", maxLength: 3) ?? "USD"
        guard currency.count == 3, currency.utf8.allSatisfy({ (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) })
        else {
            throw ImportError("currency \"\(currency)\" is not an ISO 4217 code like USD")
        }

        guard let installmentItems = try root.array("installments") else {
            throw ImportError("installments is missing (it may be empty: [])")
        }
        guard installmentItems.count <= 1000 else { throw ImportError("installments has more than 1000 entries") }
        var installments: [Installment] = []
        var seen: Set<Identifier> = []
        for (index, item) in installmentItems.enumerated() {
            let fields = try FieldReader(item, path: "installments[\(index)]")
            try fields.onlyKeys(["id", "due", "amount", "paid"])
            let installmentID = try fields.identifier("id") ?? Identifier(String(index + 1))!
            guard seen.insert(installmentID).inserted else {
                throw ImportError("installments[\(index)].id \"\(installmentID)\" appears twice")
            }
            guard let due = try fields.date("due") else { throw ImportError("installments[\(index)].due is missing") }
            guard let amount = try fields.money("amount") else {
                throw ImportError("installments[\(index)].amount is missing")
            }
            guard amount > .zero else { throw ImportError("installments[\(index)].amount must be more than 0") }
            let paid = try fields.money("paid") ?? .zero
            guard paid <= amount else { throw ImportError("installments[\(index)].paid is more than its amount") }
            installments.append(Installment(id: installmentID, due: due, amount: amount, paid: paid))
        }

        let reference = try root.string("reference", maxLength: 64)
        if let reference, reference.isEmpty || !reference.unicodeScalars.allSatisfy(isPrintable) {
            throw ImportError("reference must be 1 to 64 printable characters, like LN-2026-00417")
        }
        return Agreement(
            id: id, debtor: debtor, timezone: timezone, timezones: timezones, region: region?.uppercased(),
            jurisdiction: jurisdiction?.uppercased(), contacts: contacts, consent: consent, preferredChannel: preferred,
            inconvenient: inconvenient, cadence: cadence, currency: currency,
            installments: installments, reference: reference, welcome: try root.bool("welcome") ?? false)
    }

    /// A character a reference may hold: anything visible, and the plain space.
    private static func isPrintable(_ scalar: Unicode.Scalar) -> Bool {
        scalar == " " || !(scalar.properties.generalCategory == .control || scalar.properties.isWhitespace)
    }

    private static func locale(_ text: String?) throws(ImportError) -> String? {
        guard let text, !text.isEmpty else { return nil }
        guard
            text.utf8.allSatisfy({ byte in
                (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                    || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                    || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
            })
        else { throw ImportError("debtor.locale \"\(text)\" is not a language tag like es or en-US") }
        return text
    }

    private static func isRegion(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        return parts.count == 2 && parts[0].count == 2 && (1...3).contains(parts[1].count)
            && text.utf8.allSatisfy { byte in
                byte == UInt8(ascii: "-") || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                    || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                    || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
            }
    }

    /// Whether `address` looks like an e-mail address: one `@` with something before it and a
    /// dot after it, at most 254 characters, no white space or angle brackets. An ASCII address
    /// (nearly every one) is checked byte by byte, where bytes and characters are the same.
    private static func isEmail(_ address: String) -> Bool {
        guard address.utf8.allSatisfy({ $0 < 0x80 }) else {
            let parts = address.split(separator: "@", omittingEmptySubsequences: false)
            return address.count <= 254 && parts.count == 2 && !parts[0].isEmpty
                && parts[1].utf8.contains(UInt8(ascii: "."))
                && !address.contains(where: { $0.isWhitespace || $0.isNewline || $0 == "<" || $0 == ">" })
        }
        let bytes = address.utf8
        guard bytes.count <= 254, let at = bytes.firstIndex(of: UInt8(ascii: "@")), at != bytes.startIndex,
            !bytes[bytes.index(after: at)...].contains(UInt8(ascii: "@"))
        else { return false }
        return bytes[at...].contains(UInt8(ascii: "."))
            && !bytes.contains { byte in
                // ASCII white space: tab, line feed, vertical tab, form feed, carriage return, space.
                (0x09...0x0D).contains(byte) || byte == 0x20 || byte == UInt8(ascii: "<") || byte == UInt8(ascii: ">")
            }
    }

    private static func validate(address: String, for channel: Channel) throws(ImportError) {
        switch channel {
        case .sms, .voice:
            let digits = address.dropFirst()
            guard address.hasPrefix("+"), (7...15).contains(digits.count), digits.first != "0",
                digits.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) })
            else {
                throw ImportError(
                    "contacts.\(channel.rawValue) \"\(address.prefix(40))\" is not an E.164 number like +12145550100")
            }
        case .email:
            guard isEmail(address) else {
                throw ImportError("contacts.email \"\(address.prefix(60))\" is not an e-mail address")
            }
        case .letter:
            guard !address.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                throw ImportError("contacts.letter is empty")
            }
        }
    }
}

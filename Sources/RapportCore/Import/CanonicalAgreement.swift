extension Agreement {
    /// The agreement as one line of the contract's import shape, keys in byte order, absent
    /// fields left out: what the store keeps, and what `AgreementImport.parse(line:)` reads
    /// back into an equal agreement. Two imports of the same agreement give the same text, so
    /// the store can tell an unchanged re-import from a new version by comparing it.
    public var canonicalJSON: String {
        // A generated agreement's text is 600-1,000 bytes.
        var json = JSONWriter(capacity: 1_024)
        json.open(.object)
        json.field("cadence", cadence)
        json.key("consent")
        json.open(.object)
        json.key("sms")
        json.bool(consent.sms)
        json.close(.object)
        json.key("contacts")
        json.open(.object)
        for channel in [Channel.email, .letter, .sms, .voice] {
            json.field(channel.stringKey, contacts[channel])
        }
        json.close(.object)
        json.field("currency", currency)
        debtor.write(to: &json)
        json.field("id", id.rawValue)
        inconvenient?.write(to: &json)
        json.key("installments")
        json.open(.array)
        for installment in installments { installment.write(to: &json) }
        json.close(.array)
        json.field("jurisdiction", jurisdiction)
        json.field("preferred_channel", preferredChannel?.rawValue)
        json.field("reference", reference)
        json.field("region", region)
        json.field("timezone", timezone)
        json.field("timezones", strings: timezones)
        if welcome {
            json.key("welcome")
            json.bool(true)
        }
        json.close(.object)
        return json.text
    }
}

extension Debtor {
    fileprivate func write(to json: inout JSONWriter) {
        json.key("debtor")
        json.open(.object)
        json.field("given_name", givenName)
        json.field("id", id.rawValue)
        json.field("locale", locale)
        json.field("name", name)
        json.field("preferred_name", preferredName)
        json.close(.object)
    }
}

extension Inconvenience {
    fileprivate func write(to json: inout JSONWriter) {
        json.key("inconvenient")
        json.open(.object)
        json.field("after", after?.description)
        json.field("before", before?.description)
        json.field("channels", strings: channels.map(\.rawValue))
        json.field("days", strings: days.map(\.rawValue))
        json.close(.object)
    }
}

extension Installment {
    fileprivate func write(to json: inout JSONWriter) {
        json.open(.object)
        json.field("amount", amount.description)
        json.field("due", due.description)
        json.field("id", id.rawValue)
        json.field("paid", paid.description)
        json.close(.object)
    }
}

extension Channel {
    /// The channel's name as a static key, for `JSONWriter`.
    fileprivate var stringKey: StaticString {
        switch self {
        case .sms: "sms"
        case .email: "email"
        case .voice: "voice"
        case .letter: "letter"
        }
    }
}

import Foundation
import RapportCore

/// What the templates can say, computed from the planner's statement (R20, R26, R27, R37,
/// R39, R40) in the debtor's language and country: amounts, dates with their year where it is
/// not the send day's, "today" and "tomorrow" only in messages read the day they are sent (SMS
/// and calls), each agreement's part of a grouped reminder, and who to call when.
///
/// Values are plain strings and flags, so a template can only state what is computed here: a
/// template cannot claim a fact the record does not support.
extension MessageRenderer {
    func context(for contact: PlannedContact, style: LocaleStyle) -> [String: Any] {
        let words = Words(style: style, contact: contact, answerWithinDays: sender.answerWithinDays)
        var context: [String: Any] = [
            "greeting": words.greeting(contact.debtor.greetingName),
            "business": sender.businessName,
            "phone": sender.phone,
            "phone_spoken": Self.spoken(sender.phone),
            "person": style.language == "es" && !sender.contactPersonSpanish.isEmpty
                ? sender.contactPersonSpanish : sender.contactPerson,
            "currency": contact.currency,
            "reference": contact.reference.isEmpty ? contact.agreement.rawValue : contact.reference,
            "disclosure": contact.channel == .sms ? sender.smsDisclosure : sender.disclosure,
            "initial_disclosure": sender.initialDisclosure,
            "answer_within_days": String(sender.answerWithinDays),
        ]
        context["name"] = contact.debtor.greetingName
        let hours =
            style.language == "es" && !sender.phoneHoursSpanish.isEmpty ? sender.phoneHoursSpanish : sender.phoneHours
        if !hours.isEmpty { context["phone_hours"] = hours }
        if !sender.helpURL.isEmpty { context["help_url"] = sender.helpURL }
        if !sender.payURL.isEmpty { context["pay_url"] = sender.payURL }
        let instructions =
            style.language == "es" && !sender.payInstructionsSpanish.isEmpty
            ? sender.payInstructionsSpanish : sender.payInstructions
        if !instructions.isEmpty { context["pay_instructions"] = instructions }
        if contact.channel == .letter {
            context["legal_name"] = contact.debtor.name
            context["address"] = contact.to
        }
        if contact.firm { context["firm"] = true }
        if contact.firstWritten { context["initial"] = true }
        if contact.channel == .sms { context["sms"] = true }
        // R22 R36: a collector's SMS carries the disclosure, so templates may say less besides.
        if sender.debtCollector { context["collector"] = true }
        if contact.agreements.count > 1 {
            context["several"] = true
            context["agreement_count"] = String(contact.agreements.count)
        }
        if let statement = contact.statement { words.state(statement, into: &context) }
        // A contact made without the planner's parts (an operator's own tool, a test) still
        // says when its installment is due and what it thanks for.
        if context["due_when"] == nil, context["parts"] == nil, let installment = contact.installment {
            context["due_when"] = words.when(installment.due, on: contact.statement?.day)
        }
        if context["payment_amount"] == nil, let amount = contact.paymentAmount {
            context["payment_amount"] = words.money(amount)
        }
        return context
    }

    /// A phone number as a speech engine should read it (R23): each digit on its own, the
    /// groups of the configured number kept, e.g. "1, 8 0 0, 5 5 5, 0 1 0 0".
    static func spoken(_ phone: String) -> String {
        phone.split(whereSeparator: { !$0.isNumber }).map { $0.map(String.init).joined(separator: " ") }
            .joined(separator: ", ")
    }
}

/// The statement put into one debtor's words.
struct Words {
    let style: LocaleStyle
    let contact: PlannedContact
    /// The working days within which a person answers (R40).
    let answerWithinDays: Int
    var spanish: Bool { style.language == "es" }
    /// Whether the message is read on the day it is sent, so "today" and "tomorrow" are true.
    var readSameDay: Bool { contact.channel == .sms || contact.channel == .voice }

    func greeting(_ name: String?) -> String {
        switch (spanish, name) {
        case (true, let name?): "Hola, \(name)"
        case (true, nil): "Hola"
        case (false, let name?): "Hi \(name)"
        case (false, nil): "Hello"
        }
    }

    func money(_ amount: Money) -> String { MoneyWords.format(amount, currency: contact.currency, style: style) }

    /// A date; with its weekday in e-mails and letters only, where space is not billed.
    func date(_ date: LocalDate, weekday: Bool = true, on day: LocalDate?) -> String {
        DateWords.format(date, style: style, weekday: weekday && !readSameDay, sentOn: day)
    }

    /// "today", "tomorrow" or "on Monday, December 28" (Spanish "hoy", "mañana", "el lunes 28
    /// de diciembre"): the relative words only where the message is read the day it is sent.
    func when(_ date: LocalDate, on day: LocalDate?) -> String {
        if readSameDay, let day {
            if date == day { return spanish ? "hoy" : "today" }
            if date == day.adding(days: 1) { return spanish ? "mañana" : "tomorrow" }
        }
        return (spanish ? "el " : "on ") + self.date(date, on: day)
    }

    /// "A, B and C" (Spanish "A, B y C").
    func list(_ items: [String]) -> String {
        guard let last = items.last, items.count > 1 else { return items.first ?? "" }
        return items.dropLast().joined(separator: ", ") + (spanish ? " y " : " and ") + last
    }

    func state(_ statement: Statement, into context: inout [String: Any]) {
        let day = statement.day
        if let day {
            context["today"] = date(day, weekday: false, on: day)
            context["letter_date"] = DateWords.format(
                day, style: style, weekday: false, sentOn: day, alwaysWithYear: true)
        }
        if let balance = statement.balance { context["balance"] = money(balance) }
        stateDue(statement, into: &context)
        if let overdue = statement.overdue {
            context["overdue"] = money(overdue.total)
            context["overdue_count"] = String(overdue.count)
            context["oldest_date"] = date(overdue.oldest, weekday: false, on: day)
            if overdue.count > 1 { context["several_overdue"] = true }
            if overdue.received > .zero { context["received"] = money(overdue.received) }
        }
        if let silence = statement.silence {
            if silence.several {
                context["several_times"] = true
            } else if let heard = silence.lastHeard {
                context["last_heard"] = date(heard, weekday: false, on: day)
            }
        }
        if let payment = statement.payment {
            context["payment_amount"] = money(payment.amount)
            context["payment_date"] = date(payment.on, weekday: false, on: day)
        }
        if let promise = statement.promise {
            context["promise_amount"] = money(promise.amount)
            context["promise_when"] = when(promise.date, on: day)
            context["promise_date"] = date(promise.date, on: day)
        }
        stateSchedule(statement.schedule, on: day, into: &context)
        if let through = statement.pausedThrough { context["paused_through"] = date(through, on: day) }
        if let day { context["answer_by"] = date(answerBy(from: day), on: day) }
    }

    /// A reminder's amount and date, or each agreement's part when they differ (R37).
    private func stateDue(_ statement: Statement, into context: inout [String: Any]) {
        let day = statement.day
        if let due = statement.due { context["amount"] = money(due) }
        let parts = statement.parts
        guard let first = parts.first else { return }
        if parts.allSatisfy({ $0.due == first.due }) {
            context["due_when"] = when(first.due, on: day)
        } else {
            context["parts"] = list(parts.map(part))
        }
        context["references"] = list(parts.map(\.reference))
    }

    /// One agreement's part of a reminder: "$30.00 for account A-1, due on Saturday, December
    /// 26", shorter in an SMS: "$30.00 (A-1) due on December 26".
    private func part(_ part: Statement.Part) -> String {
        let amount = money(part.amount), due = when(part.due, on: contact.statement?.day)
        switch (spanish, readSameDay) {
        case (false, false): return "\(amount) for account \(part.reference), due \(due)"
        case (false, true):
            return "\(amount) (\(part.reference)) due \(due.hasPrefix("on ") ? String(due.dropFirst(3)) : due)"
        case (true, false): return "\(amount) de la cuenta \(part.reference), que vence \(due)"
        case (true, true): return "\(amount) (\(part.reference)) \(due)"
        }
    }

    /// R40: a schedule, each installment on its line (e-mail, letter) and summed up (SMS).
    private func stateSchedule(_ schedule: [Statement.Part], on day: LocalDate?, into context: inout [String: Any]) {
        guard let first = schedule.first, let last = schedule.last else { return }
        let total = schedule.reduce(Money.zero) { $0 + $1.amount }
        context["schedule_lines"] = schedule.map { "- \(date($0.due, on: day)): \(money($0.amount))" }
            .joined(separator: "\n")
        context["schedule_total"] = money(total)
        context["schedule_count"] = String(schedule.count)
        context["next_amount"] = money(first.amount)
        context["next_when"] = when(first.due, on: day)
        context["first_date"] = date(first.due, weekday: false, on: day)
        context["last_date"] = date(last.due, weekday: false, on: day)
        if schedule.count > 1 { context["several_payments"] = true }
    }

    /// The working day (Monday to Friday) `answerWithinDays` after `day`.
    private func answerBy(from day: LocalDate) -> LocalDate {
        var date = day
        var left = answerWithinDays
        while left > 0 {
            date = date.adding(days: 1)
            if ![Weekday.sat, .sun].contains(date.weekday) { left -= 1 }
        }
        return date
    }
}

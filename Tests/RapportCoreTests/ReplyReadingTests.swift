import Foundation
import Testing
@testable import RapportCore

/// R31–R34: how a reply is read, entry by entry, with near misses that must not opt out.
@Suite("Reading replies")
struct ReplyReadingTests {
    @Test(
        "R31: every opt-out keyword, as written and shouted with punctuation, opts out",
        arguments: ReplyWords.optOut.sorted())
    func r31Keywords(keyword: String) {
        #expect(ReplyReading(keyword) == .optOut(keyword: keyword))
        #expect(ReplyReading(keyword.uppercased() + "!!") == .optOut(keyword: keyword))
        #expect(ReplyReading("  \(keyword.capitalized). ") == .optOut(keyword: keyword))
        #expect(ReplyReading("\(keyword) please") == .optOut(keyword: keyword))
    }

    @Test("R31: case, accents and punctuation are folded: STOP, Stop., stop!!, ALTO, No más, ¡Basta!")
    func r31Folding() {
        for text in [
            "STOP", "Stop.", "stop!!", "S T O P".replacingOccurrences(of: " ", with: ""),
            "\u{FF33}\u{FF34}\u{FF2F}\u{FF30}",
        ] {
            #expect(ReplyReading(text) == .optOut(keyword: "stop"), "\(text)")
        }
        #expect(ReplyReading("ALTO") == .optOut(keyword: "alto"))
        #expect(ReplyReading("No más") == .optOut(keyword: "no mas"))
        #expect(ReplyReading("¡Basta!") == .optOut(keyword: "basta"))
        #expect(ReplyReading("Opt-out") == .optOut(keyword: "opt out"))
        #expect(ReplyReading("Stop all") == .optOut(keyword: "stop all"))
        #expect(ReplyReading("STOP por favor") == .optOut(keyword: "stop"))
    }

    @Test("R31: each stop phrase opts out and goes before a person", arguments: ReplyWords.stopPhrases)
    func r31Phrases(phrase: String) {
        guard case .optOutForReview = ReplyReading("Hey, \(phrase) ok?") else {
            Issue.record("\"\(phrase)\" is not read as an opt-out for review: \(ReplyReading("Hey, \(phrase) ok?"))")
            return
        }
    }

    @Test("R31 R12: each cease phrase stops the channel and a person decides", arguments: ReplyWords.ceasePhrases)
    func r12CeasePhrases(phrase: String) {
        guard case .possibleCease = ReplyReading("I want you to know: \(phrase).") else {
            Issue.record("\"\(phrase)\" is not read as a possible cease")
            return
        }
    }

    @Test("R31: the rulebook's examples, in both languages")
    func r31Examples() {
        for text in [
            "please stop texting me", "Don't text me", "leave me alone", "No more messages!", "No me escriban más",
        ] {
            guard case .optOutForReview = ReplyReading(text) else {
                Issue.record("\(text): \(ReplyReading(text))"); continue
            }
        }
        for text in ["Stop contacting me", "I refuse to pay", "Dejen de contactarme", "No voy a pagar nada"] {
            guard case .possibleCease = ReplyReading(text) else {
                Issue.record("\(text): \(ReplyReading(text))"); continue
            }
        }
    }

    @Test("R31: near misses are conversations for a person, not opt-outs")
    func r31NearMisses() {
        for text in [
            "I will stop by the office tomorrow", "can you stop the late fee?", "Is there an end date for the plan?",
            "I want to cancel my old card and pay with a new one", "Stopped by the branch, paid in cash",
            "the quit date of my job",
            "Paré en la oficina ayer para pagar", "help me understand the amount please, thanks",
        ] {
            #expect(ReplyReading(text) == .conversation, "\(text)")
        }
    }

    @Test("R31: a short reply with a strong keyword stops the channel in doubt and asks a person")
    func r31Doubt() {
        guard case .optOutForReview = ReplyReading("ok STOP texting") else { Issue.record("ok STOP texting"); return }
        guard case .optOutForReview = ReplyReading("stop ya basta") else { Issue.record("stop ya basta"); return }
    }

    @Test("R32 R33: HELP, INFO, AYUDA; START, UNSTOP, YES, SÍ, ALTA")
    func r32r33() {
        for text in ["HELP", "Info.", "ayuda", "Help please"] { #expect(ReplyReading(text) == .help, "\(text)") }
        for text in ["START", "unstop", "Yes", "Sí", "ALTA!"] { #expect(ReplyReading(text) == .optIn, "\(text)") }
        #expect(ReplyReading("yes I will pay on Friday") == .conversation)
    }

    @Test("R34: addresses are compared normalised: E.164 numbers, case-folded e-mail")
    func r34Addresses() {
        #expect(Address.normalised("+1 (214) 555-0100", channel: .sms) == "+12145550100")
        #expect(Address.normalised("214.555.0100", channel: .sms) == "+12145550100")
        #expect(Address.normalised("0034 612 345 678", channel: .voice) == "+34612345678")
        #expect(Address.normalised("Sam Rivera <Sam@Example.ORG>", channel: .email) == "sam@example.org")
        #expect(Address.normalised("not an address", channel: .email) == nil)
        #expect(Address.normalised("12", channel: .sms) == nil)
    }

    @Test("Inbound messages: the contract's fields, clear errors, unknown fields ignored")
    func inboundParsing() async throws {
        let stop = try InboundImport.parse(
            line:
                #"{"version":1,"channel":"sms","from":"+12145550100","received_at":"2026-12-01T15:03:00Z","#
                + #""text":"STOP","provider_id":"SM1","media":[]}"#
        )
        #expect(stop.kind == .message && stop.address == "+12145550100" && stop.identity == "provider:sms:SM1")
        let bounce = try InboundImport.parse(
            line:
                #"{"channel":"email","kind":"bounce","recipient":"Sam@Example.org","status":"5.1.1","#
                + #""received_at":"2026-12-01T15:03:00Z"}"#
        )
        #expect(bounce.address == "sam@example.org" && bounce.isPermanentFailure)
        for (line, why) in [
            (#"{"channel":"sms","received_at":"2026-12-01T15:03:00Z","text":"x"}"#, "from is missing"),
            (#"{"channel":"fax","from":"1","received_at":"2026-12-01T15:03:00Z"}"#, "channel \"fax\""),
            (
                #"{"channel":"email","kind":"bounce","recipient":"a@b.c","status":"bad","#
                    + #""received_at":"2026-12-01T15:03:00Z"}"#,
                "DSN"
            ),
            (#"{"channel":"sms","from":"+1214","text":"x"}"#, "received_at is missing"),
            (
                #"{"channel":"sms","from":"+12145550100","received_at":"2026-12-01T15:03:00Z","in_reply_to":"../x"}"#,
                "in_reply_to"
            ),
        ] {
            #expect(throws: ImportError.self) { try InboundImport.parse(line: line) }
            do { _ = try InboundImport.parse(line: line) } catch {
                #expect(error.message.contains(why), "\(error.message)")
            }
        }
        let a = InboundMessage(channel: .sms, from: "+1", receivedAt: Date(timeIntervalSince1970: 0), text: "STOP")
        let b = InboundMessage(channel: .sms, from: "+1", receivedAt: Date(timeIntervalSince1970: 0), text: "STOP")
        #expect(a.identity == b.identity, "same channel, sender, time and text: the same message")
    }
}

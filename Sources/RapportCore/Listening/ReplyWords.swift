/// The words and phrases a reply is read by (R31–R33), as data, with where each comes from.
///
/// Every entry is written folded — lower case, no accents, no punctuation, single spaces — the
/// form `ReplyReading.folded` turns a reply into. A test checks each entry and near misses.
public enum ReplyWords {
    /// R31: a reply that is exactly one of these opts its address out of the channel.
    /// English: FCC 47 CFR 64.1200(a)(10) ("stop", "quit", "end", "revoke", "opt out",
    /// "cancel", "unsubscribe") and CTIA's Messaging Principles (STOPALL). Spanish: the
    /// rulebook's list, the words Spanish-speaking carriers and CTIA's guidance honour.
    public static let optOut: Set<String> = [
        "stop", "stopall", "stop all", "unsubscribe", "cancel", "end", "quit", "revoke", "opt out", "optout",
        "alto", "parar", "pare", "baja", "cancelar", "basta", "no mas",
    ]

    /// Words that may stand around a keyword without changing it: "STOP please", "stop now",
    /// "por favor, baja".
    public static let politeness: Set<String> = [
        "please", "pls", "plz", "now", "it", "thanks", "thank you", "thx", "ok", "okay", "por favor", "ya", "gracias",
    ]

    /// Keywords strong enough that a reply of at most three words containing one is read as
    /// "stop" when in doubt ("ok STOP texting", "baja ya por"): the channel stops and a person
    /// looks. "cancel", "end" and "quit" are too common in other senses to count alone.
    public static let strong: Set<String> = ["stop", "stopall", "unsubscribe", "optout", "alto", "baja", "basta"]

    /// R31: what a reasonable person reads as "stop texting / e-mailing me", in English and
    /// Spanish (FCC 2024 Report and Order, FCC 24-24: "any reasonable means", and the
    /// rulebook's examples). A reply containing one opts out and goes before a person.
    public static let stopPhrases: [String] = [
        "stop texting", "stop text", "stop txting", "stop messaging", "stop sending", "stop emailing", "stop e mailing",
        "stop mailing", "stop the texts", "stop the messages", "stop these texts", "stop these messages",
        "stop these emails", "stop the emails", "dont text", "do not text", "dont message", "do not message",
        "dont email", "do not email", "dont send", "do not send", "no more texts", "no more messages", "no more emails",
        "no more text", "leave me alone", "take me off", "remove me", "unsubscribe me", "opt me out", "quit texting",
        "quit messaging", "dont want these", "do not want these", "dont want your messages", "stop spamming",
        "no me escriban", "no me escribas", "no me escriba", "dejen de escribir", "deja de escribir", "dejen de enviar",
        "no me manden", "no me envien", "no mas mensajes", "no quiero mensajes", "no quiero recibir", "borrenme",
        "sacame de", "saquenme de", "eliminenme", "dejen de mandar", "no mas correos", "no mas textos",
    ]

    /// What may be a cease-communication or refuse-to-pay notice (R12): the channel stops at
    /// once and a person decides whether to record a cease.
    public static let ceasePhrases: [String] = [
        "stop contacting", "dont contact", "do not contact", "never contact", "stop harassing",
        "refuse to pay", "wont pay", "will not pay", "not going to pay", "not paying", "cease and desist", "cease",
        "dejen de contactarme", "deje de contactarme", "no me contacten", "no me contacte",
        "no voy a pagar", "me niego a pagar", "no pienso pagar", "no pagare",
    ]

    /// R32: a reply that is exactly one of these gets one help message (CTIA: HELP, INFO).
    public static let help: Set<String> = ["help", "info", "ayuda"]

    /// R33: a reply that is exactly one of these restores a channel opted out by a keyword
    /// (CTIA: START, UNSTOP; "yes" to a re-opt-in prompt).
    public static let optIn: Set<String> = ["start", "unstop", "yes", "si", "alta"]
}

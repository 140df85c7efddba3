/// R21: messages may grow firm, never threatening. These phrases (English and Spanish) are
/// refused in any template, whatever the context: arrest, legal action, garnishment, credit
/// damage and false urgency.
public enum ToneLint {
    /// Lower-case fragments; a template containing any of them is refused.
    public static let phrases = [
        "arrest", "jail", "prison", "police", "lawsuit", "sue you", "legal action", "court", "garnish",
        "seize", "credit score", "credit report", "credit damage", "ruin your credit", "final warning",
        "last chance", "act now", "immediately or", "arresto", "cárcel", "demanda", "acción legal",
        "embargo", "embargar", "historial crediticio", "última advertencia", "última oportunidad",
    ]

    /// The first threatening phrase in `text`, or nil when it reads fine.
    public static func threat(in text: String) -> String? {
        let lowered = text.lowercased()
        return phrases.first { lowered.contains($0) }
    }
}

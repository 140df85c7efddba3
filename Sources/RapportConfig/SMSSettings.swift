extension Settings {
    /// `[sms]`: how `rapport-sms` hands SMS jobs to a provider and where it listens for the
    /// provider's callbacks (contract, "SMS delivery").
    public struct SMS: Sendable, Equatable {
        /// Who carries the texts: an operator's own Kannel gateway, or Twilio's API.
        public enum Provider: String, Sendable, CaseIterable {
            case kannel, twilio
        }

        public var provider = Provider.kannel
        /// smsbox's `sendsms` URL, or Twilio's API base (`https://api.twilio.com`).
        public var url = "http://127.0.0.1:13013/cgi-bin/sendsms"
        /// Kannel's `sendsms-user`, or Twilio's account SID.
        public var username = ""
        /// The file holding Kannel's sendsms password, or Twilio's auth token (which also signs
        /// Twilio's callbacks). A file, not a value: secrets stay out of the config and of `ps`.
        public var passwordFile: String?
        /// The sender id or number the texts come from.
        public var from = ""
        /// Where the callback listener binds, `host:port`: loopback unless a proxy needs more.
        public var listen = "127.0.0.1:13080"
        /// The file holding the shared secret every Kannel callback carries.
        public var secretFile: String?
        /// Kannel's `dlr-mask`: which delivery reports to send (1 delivered, 2 failed, 4 buffered,
        /// 8 accepted by the carrier, 16 refused by it); 0 asks for none.
        public var dlrMask = 19
        /// The most texts a second handed to the provider.
        public var ratePerSecond = 10.0
        /// How the provider reaches the listener from outside, when it does (Twilio signs the
        /// URL it called, so the listener must know it); nil: `http://` the listen address.
        public var publicURL: String?

        public init() {}

        /// `listen` as host and port, nil when it is not `host:port`.
        public var listenAddress: (host: String, port: Int)? { Self.address(listen) }

        /// `host:port` split, nil when it is not that (the config's check of `listen`).
        static func address(_ text: String) -> (host: String, port: Int)? {
            guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
                (1...65_535).contains(port), colon > text.startIndex
            else { return nil }
            return (String(text[..<colon]), port)
        }
    }
}

extension Settings {
    /// `[sms] provider` as the config spells it: a key path for the flat section reader, which
    /// checks the name before it lands here.
    var smsProviderName: String {
        get { sms.provider.rawValue }
        set { sms.provider = SMS.Provider(rawValue: newValue) ?? sms.provider }
    }
}

import Foundation
import RapportCommandLine
import RapportConfig
import RapportSMS

/// `[sms]` checked and turned into a provider and the callback routes, with its secrets read
/// once: every missing piece one line that names the key.
struct SMSSetup {
    let provider: any SMSProvider
    let routes: CallbackRoutes
    let listen: (host: String, port: Int)

    init(settings: Settings, configPath: String) throws(Failure) {
        let sms = settings.sms
        guard !sms.from.isEmpty else {
            throw Failure(.config, "\(configPath): [sms] from is not set; rapport-sms needs the sender id or number")
        }
        guard let listen = sms.listenAddress else {
            throw Failure(.config, "\(configPath): [sms] listen must be host:port like 127.0.0.1:13080")
        }
        self.listen = listen
        let environment = ProcessInfo.processInfo.environment
        let password: String?
        let secret: String?
        do throws(SecretFile.Problem) {
            password = try SecretFile.read(sms.passwordFile, credential: "sms-password", environment: environment)
            secret = try SecretFile.read(sms.secretFile, credential: "sms-secret", environment: environment)
        } catch {
            switch error {
            case .unreadable(let path):
                throw Failure(
                    .noPermission, "[sms]: cannot read \(path): check that it exists and that rapport-sms may read it")
            case .empty(let path):
                throw Failure(.noPermission, "[sms]: \(path) is empty: write the secret into it")
            }
        }
        let base = sms.publicURL ?? "http://\(sms.listen)"
        switch sms.provider {
        case .kannel:
            guard let secret else {
                throw Failure(
                    .config,
                    "\(configPath): [sms] secret_file is not set; Kannel's callbacks must carry a shared secret")
            }
            provider = KannelProvider(
                sendsmsURL: sms.url, username: sms.username, password: password ?? "", from: sms.from,
                dlrMask: sms.dlrMask, callbackBase: base, secret: secret)
            routes = CallbackRoutes(secret: secret, twilioToken: nil, publicBase: base)
        case .twilio:
            guard let password, !sms.username.isEmpty else {
                throw Failure(
                    .config,
                    "\(configPath): [sms] username (the account SID) and password_file (the auth token) are needed "
                        + "for Twilio")
            }
            provider = TwilioProvider(
                apiBase: sms.url, accountSID: sms.username, authToken: password, from: sms.from, callbackBase: base)
            routes = CallbackRoutes(secret: secret, twilioToken: password, publicBase: base)
        }
    }
}

import RapportConfig
import RapportMessages
import RapportSpool
import RapportStorage

/// Why the engine could not do its work, sorted by what the operator must fix.
public enum EngineError: Error, Sendable, CustomStringConvertible {
    case configuration(String)
    case store(StoreError)
    case spool(SystemError, spool: String)

    public var description: String {
        switch self {
        case .configuration(let message): message
        case .store(let error): error.message
        case .spool(let error, let root):
            switch error.kind {
            case .noSpace: "spool \(root): the disk is full (\(error)); free space and Rapport carries on by itself"
            case .permissionDenied:
                "spool \(root): permission denied (\(error)); check the owner and group of the spool"
            case .notFound: "spool \(root): \(error); does the spool's parent folder exist?"
            default: "spool \(root): \(error)"
            }
        }
    }

    init(_ error: ConfigError) { self = .configuration(error.message) }
    init(_ error: TemplateError) { self = .configuration(error.message) }
}

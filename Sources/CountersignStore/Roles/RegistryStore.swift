/// Every role at once: what a backend implements, and what the composition root hands out. Callers
/// take only the roles they use (`PushOutboxStore` for the dispatcher, `CredentialStore` for the
/// key checks, and so on).
///
/// Implementations encrypt OATH secrets, push keys and server private keys before they reach
/// storage, keep only hashes of activation codes, API keys and admin tokens, and make each method
/// one transaction.
public typealias RegistryStore = ProviderStore & ActivationStore & UserStore & DeviceStore & CredentialStore
    & PushSignInStore & CodeSignInStore & PhoneSignInStore & PushOutboxStore & TokenStore & ReportStore & AuditStore
    & RadiusStore & PendingSignInStore

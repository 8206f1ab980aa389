import Crypto
import Foundation
import GRDB
import SoTayCore
#if canImport(Glibc)
import Glibc
#endif

// MARK: - The passphrase and the data key

extension Store {
    /// Where a sealed value lives; the sealed bytes open only there.
    enum SealContext {
        static func fullName(_ residentId: String) -> String { "residentPersonal.fullName/\(residentId)" }
        static func phone(_ residentId: String) -> String { "residentPersonal.phone/\(residentId)" }
        static func answer(_ dossierId: String, _ stepId: String) -> String { "dossierAnswer.value/\(dossierId)/\(stepId)" }
        static func label(_ attachmentId: String) -> String { "attachment.label/\(attachmentId)" }
        static func payload(_ itemId: String, _ revision: Int) -> String { "outbox.payload/dossier/\(itemId)/\(revision)" }
        static func notes(_ activityId: String) -> String { "activity.notes/\(activityId)" }
    }

    /// Whether the passphrase was given in this process.
    public var isUnlocked: Bool { vault != nil }

    /// Whether a passphrase protects this store (set at `sotay init`).
    public func hasPassphrase() throws(StoreError) -> Bool {
        try read { db in try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM keyring)") ?? false }
    }

    /// The store with its data key unwrapped, or `wrongPassphrase`. Log notes an older version
    /// wrote in clear are sealed here, at the first unlock (a read-only store tries again next time).
    public func unlocked(passphrase: String) throws(StoreError) -> Store {
        try unlocked(passphrase: passphrase, keepingFor: 0)
    }

    /// The store unlocked with `passphrase`, as `unlocked(passphrase:)`; and for `minutes` after
    /// (0: not at all), later commands of the same user open it without asking again: the key
    /// scrypt made is kept in the kernel's keyring (`SessionKeyring`), never on the disk. A
    /// keyring the system refuses keeps nothing, and the next command asks again.
    public func unlocked(passphrase: String, keepingFor minutes: Int) throws(StoreError) -> Store {
        guard let keyring = try keyring() else { throw .noPassphrase }
        let wrapping: SymmetricKey
        do {
            wrapping = try keyring.derivation.key(for: passphrase)
        } catch {
            throw .unexpected("scrypt")
        }
        let store = try unlocked(keyring, wrapping: wrapping)
        if minutes > 0 {
            _ = SessionKeyring.remember(wrapping.withUnsafeBytes { Data($0) }, name: keyring.sessionName, minutes: minutes)
        }
        return store
    }

    /// The store unlocked by the key an earlier command kept (see `unlocked(passphrase:keepingFor:)`),
    /// which is then kept `minutes` more; `nil` when there is none, it has expired, or it no
    /// longer opens this store (the passphrase was changed): then the passphrase is asked as before.
    public func unlockedFromSession(keepingFor minutes: Int) -> Store? {
        guard minutes > 0, let keyring = try? keyring(), let kept = SessionKeyring.recall(name: keyring.sessionName, minutes: minutes) else { return nil }
        do {
            return try unlocked(keyring, wrapping: SymmetricKey(data: kept))
        } catch {
            SessionKeyring.forget(name: keyring.sessionName)
            return nil
        }
    }

    /// The name this store's key is kept under in the kernel's keyring, when it has a passphrase.
    func keyringName() -> String? {
        (try? keyring())?.sessionName
    }

    /// Forgets the key kept for this store: the next command asks for the passphrase (`sotay lock`).
    /// Returns whether one was kept.
    @discardableResult
    public func forgetSession() -> Bool {
        guard let name = keyringName() else { return false }
        return SessionKeyring.forget(name: name)
    }

    private func unlocked(_ keyring: KeyringRecord, wrapping: SymmetricKey) throws(StoreError) -> Store {
        do {
            var store = self
            let vault = try keyring.unwrap(wrapping: wrapping)
            store.vault = vault
            if try read({ db in try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM activity WHERE notes IS NOT NULL)") ?? false }) {
                try? write { db in try Self.sealPlainNotes(db, vault: vault) }
                try? checkpointAndVacuum()
            }
            return store
        } catch let error as StoreError {
            throw error
        } catch {
            throw .unexpected("keyring")
        }
    }

    /// Sets the first passphrase: makes a random data key, wraps it, and seals what an older
    /// version of Sổ Tay stored in clear (names, answers, queued payloads, labels, photos).
    /// Returns the store unlocked.
    public func setPassphrase(_ passphrase: String, derivation: KeyDerivation = .new(), now: Date = Date()) throws(StoreError) -> Store {
        guard try !hasPassphrase() else { throw .passphraseAlreadySet }
        try Self.checkNewPassphrase(passphrase)
        let dataKey = SymmetricKey(size: .bits256)
        let vault = Vault(dataKey: dataKey)
        let keyring: KeyringRecord
        do {
            keyring = try KeyringRecord.make(passphrase: passphrase, derivation: derivation, dataKey: dataKey, now: now)
        } catch {
            throw Store.translate(error, path: databaseURL.path)
        }
        // Photos first, under new files; the rows and the keyring in one transaction; then the
        // plain files go. A crash before the commit leaves the old store as it was.
        let plainBlobs = try sealPlainBlobs(vault: vault)
        try write { db in
            try Self.sealPlainRows(db, vault: vault)
            try Self.saveKeyring(keyring, db: db)
        }
        for (plain, sealed) in plainBlobs {
            // rename(2) replaces the plain file in one step.
            _ = rename(sealed.path, plain.path)
        }
        try? checkpointAndVacuum()
        var store = self
        store.vault = vault
        return store
    }

    /// Rewraps the data key under a new passphrase. Nothing else is re-encrypted: the data key
    /// does not change, so this takes one transaction of one row.
    public func changePassphrase(from old: String, to new: String, derivation: KeyDerivation = .new(), now: Date = Date()) throws(StoreError) {
        try Self.checkNewPassphrase(new)
        let unlocked = try unlocked(passphrase: old)
        guard let vault = unlocked.vault, let current = try keyring() else { throw .noPassphrase }
        do {
            var keyring = try KeyringRecord.make(passphrase: new, derivation: derivation, dataKey: vault.dataKey, now: now)
            keyring.createdAt = current.createdAt
            try write { db in try Self.saveKeyring(keyring, db: db) }
            // The old key no longer opens the store; it goes from the kernel's keyring too.
            SessionKeyring.forget(name: current.sessionName)
        } catch let error as StoreError {
            throw error
        } catch {
            throw Store.translate(error, path: databaseURL.path)
        }
    }

    /// At least 8 characters: several words a volunteer remembers beat a short password.
    public static let minimumPassphraseLength = 8

    static func checkNewPassphrase(_ passphrase: String) throws(StoreError) {
        guard passphrase.count >= minimumPassphraseLength else { throw .passphraseTooShort(minimum: minimumPassphraseLength) }
    }

    func requireVault() throws(StoreError) -> Vault {
        guard let vault else { throw .locked }
        return vault
    }

    private func keyring() throws(StoreError) -> KeyringRecord? {
        try read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM keyring WHERE id = 1") else { return nil }
            return KeyringRecord(derivation: KeyDerivation(logN: row["logN"], r: row["r"], p: row["p"], salt: row["salt"]),
                                 wrappedKey: row["wrappedKey"], createdAt: StoreDate.decode(row["createdAt"]) ?? row["createdAt"],
                                 changedAt: StoreDate.decode(row["changedAt"]) ?? row["changedAt"])
        }
    }

    private static func saveKeyring(_ keyring: KeyringRecord, db: Database) throws {
        let derivation = keyring.derivation
        try db.execute(sql: """
            INSERT INTO keyring (id, kdf, logN, r, p, salt, wrappedKey, createdAt, changedAt) VALUES (1, 'scrypt', ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (id) DO UPDATE SET kdf = excluded.kdf, logN = excluded.logN, r = excluded.r, p = excluded.p,
                salt = excluded.salt, wrappedKey = excluded.wrappedKey, changedAt = excluded.changedAt
            """, arguments: [derivation.logN, derivation.r, derivation.p, derivation.salt, keyring.wrappedKey, StoreDate.text(keyring.createdAt), StoreDate.text(keyring.changedAt)])
    }

    /// Seals every personal value still stored in clear (TEXT, not BLOB).
    private static func sealPlainRows(_ db: Database, vault: Vault) throws {
        for row in try Row.fetchAll(db, sql: "SELECT residentId, fullName, phone FROM residentPersonal") {
            let id: String = row["residentId"]
            // Read as stored: a sealed BLOB is not text and is left alone.
            if case .string(let name) = (row["fullName"] as DatabaseValue).storage {
                try db.execute(sql: "UPDATE residentPersonal SET fullName = ? WHERE residentId = ?", arguments: [try vault.seal(name, context: SealContext.fullName(id)), id])
            }
            if case .string(let phone) = (row["phone"] as DatabaseValue).storage {
                try db.execute(sql: "UPDATE residentPersonal SET phone = ? WHERE residentId = ?", arguments: [try vault.seal(phone, context: SealContext.phone(id)), id])
            }
        }
        for row in try Row.fetchAll(db, sql: "SELECT dossierId, stepId, value FROM dossierAnswer WHERE typeof(value) = 'text'") {
            let dossierId: String = row["dossierId"], stepId: String = row["stepId"], value: String = row["value"]
            try db.execute(sql: "UPDATE dossierAnswer SET value = ? WHERE dossierId = ? AND stepId = ?",
                           arguments: [try vault.seal(value, context: SealContext.answer(dossierId, stepId)), dossierId, stepId])
        }
        for row in try Row.fetchAll(db, sql: "SELECT id, label FROM attachment WHERE typeof(label) = 'text'") {
            let id: String = row["id"], label: String = row["label"]
            try db.execute(sql: "UPDATE attachment SET label = ? WHERE id = ?", arguments: [try vault.seal(label, context: SealContext.label(id)), id])
        }
        try sealPlainNotes(db, vault: vault)
        for row in try Row.fetchAll(db, sql: "SELECT id, itemId, revision, payload FROM outbox WHERE kind = 'dossier' AND payload IS NOT NULL") {
            let payload: Data = row["payload"]
            // A payload written before sealing is JSON: it starts with "{".
            guard payload.first == UInt8(ascii: "{") else { continue }
            let id: Int64 = row["id"], itemId: String = row["itemId"], revision: Int = row["revision"]
            try db.execute(sql: "UPDATE outbox SET payload = ? WHERE id = ?",
                           arguments: [try vault.seal(payload, context: SealContext.payload(itemId, revision)), id])
        }
    }

    /// Moves each log note still in clear into `sealedNotes`, sealed to its entry.
    static func sealPlainNotes(_ db: Database, vault: Vault) throws {
        for row in try Row.fetchAll(db, sql: "SELECT id, notes FROM activity WHERE notes IS NOT NULL") {
            let id: String = row["id"]
            // Read as stored: whatever type it has, its bytes are the note.
            let note: String = switch (row["notes"] as DatabaseValue).storage {
            case .string(let text): text
            case .blob(let data): String(decoding: data, as: UTF8.self)
            case .int64(let number): String(number)
            case .double(let number): String(number)
            case .null: ""
            }
            try db.execute(sql: "UPDATE activity SET sealedNotes = ?, notes = NULL WHERE id = ?",
                           arguments: [try vault.seal(note, context: SealContext.notes(id)), id])
        }
    }

    /// Writes a sealed copy beside each plain blob file; returns (plain, sealed) pairs.
    private func sealPlainBlobs(vault: Vault) throws(StoreError) -> [(URL, URL)] {
        let hashes = try read { db in try String.fetchAll(db, sql: "SELECT DISTINCT sha256 FROM attachment") }
        let folder = BlobFolder(url: directory.appending(path: "blobs"), maxBytes: .max, vault: vault)
        var pairs: [(URL, URL)] = []
        for sha256 in hashes {
            let plain = folder.fileURL(sha256: sha256)
            guard let head = try? FileHandle(forReadingFrom: plain) else { continue }
            let magic = try? head.read(upToCount: 4)
            try? head.close()
            guard magic != SealedFile.magic else { continue }
            let sealed = plain.deletingLastPathComponent().appending(path: sha256 + ".sealing")
            do {
                try folder.writeSealedCopy(of: plain, to: sealed)
            } catch {
                throw .unexpected("blob \(sha256.prefix(8))")
            }
            pairs.append((plain, sealed))
        }
        return pairs
    }

    /// After sealing data written in clear: the old pages leave the WAL and the free list.
    private func checkpointAndVacuum() throws {
        try writer.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)")
            try db.execute(sql: "VACUUM")
            try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)")
        }
    }
}

// MARK: - Sealed columns

extension Store {
    /// Opens a value of a personal column. Text written in clear by 0.9 is sealed in the same
    /// transaction that sets the passphrase, so any value that is not a sealed BLOB here was put
    /// there behind Sổ Tay's back: refused, never shown as if it were the resident's.
    static func openText(_ value: DatabaseValue, context: String, vault: Vault) throws -> String? {
        switch value.storage {
        case .null: return nil
        case .blob(let data): return try vault.openText(data, context: context)
        default: throw StoreError.sealedValueDamaged
        }
    }
}

// MARK: - Consent

/// The consent text the resident agreed to, identified by its version.
public struct ConsentGiven: Sendable, Hashable {
    public var textVersion: String
    public var volunteer: String
    public var at: Date

    public init(textVersion: String, volunteer: String, at: Date = Date()) {
        self.textVersion = textVersion
        self.volunteer = volunteer
        self.at = at
    }
}

extension Store {
    /// Whether the resident agreed to this version of the consent text.
    public func hasConsent(residentID: String, textVersion: String) throws(StoreError) -> Bool {
        try read { db in
            try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM consent WHERE residentId = ? AND textVersion = ?)",
                              arguments: [residentID, textVersion]) ?? false
        }
    }

    public func recordConsent(_ consent: ConsentGiven, residentID: String) throws(StoreError) {
        try write { db in try Self.insertConsent(consent, residentID: residentID, db: db) }
    }

    static func insertConsent(_ consent: ConsentGiven, residentID: String, db: Database) throws {
        try db.execute(sql: "INSERT OR IGNORE INTO consent (residentId, textVersion, givenAt, volunteer) VALUES (?, ?, ?, ?)",
                       arguments: [residentID, consent.textVersion, StoreDate.text(consent.at), consent.volunteer])
    }

    /// The consents on record, oldest first (for `sotay consent list`).
    public func consents() throws(StoreError) -> [(residentId: String, consent: ConsentGiven)] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM consent ORDER BY givenAt, residentId").map { row in
                (row["residentId"], ConsentGiven(textVersion: row["textVersion"], volunteer: row["volunteer"], at: row["givenAt"]))
            }
        }
    }
}

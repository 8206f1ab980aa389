import Foundation
import Testing
@testable import SoTayCore
@testable import SoTayStore

private let profile = VolunteerProfile(name: "Nguyễn Văn An", phone: nil, village: "Thôn Đông", commune: "Xã Gia Lộc", province: "Hải Phòng")
private let consent = ConsentGiven(textVersion: "test", volunteer: "Nguyễn Văn An")

/// The real kernel keyring of this machine's user (keyrings(7)); every key a test keeps has a
/// name no other test or store has (a hash of a fresh salt), and is dropped at the end.
@Suite("A store stays unlocked between commands through the kernel keyring, and only as long as it should")
struct SessionKeyringTests {
    /// A protected store with one draft whose resident's name is sealed.
    private func sealedStore() throws -> (TemporaryFolder, DossierRecord) {
        let folder = try TemporaryFolder()
        let store = try Store.protected(folder.url)
        try store.saveProfile(profile)
        let draft = try store.startDraft(procedureID: "dang-ky-khai-sinh", packVersion: "1", residentID: nil, profile: profile, consent: consent)
        try store.record(.text("Trần Thị Bình"), for: ResidentIntake.steps[0], in: draft.id,
                         status: ChecklistStatus(documentsHave: [], documentsMissing: [], documentsOptionalMissing: [], unansweredRequired: [],
                                                 actions: [], completeness: 1, requiredCount: 1, satisfiedCount: 1))
        return (folder, draft)
    }

    @Test("unlocked with the passphrase and kept, the store opens in a later process's reading without it, until it is forgotten")
    func keptThenForgotten() throws {
        let (folder, draft) = try sealedStore()
        let first = try Store.open(directory: folder.url)
        #expect(first.unlockedFromSession(keepingFor: 15) == nil, "nothing was kept yet")
        _ = try first.unlocked(passphrase: testPassphrase, keepingFor: 15)
        defer { first.forgetSession() }

        // A new opening of the folder, as the next command makes: no passphrase given.
        let later = try #require(try Store.open(directory: folder.url).unlockedFromSession(keepingFor: 15))
        #expect(try later.residentName(of: draft) == "Trần Thị Bình")

        // Another store is not opened by this one's key.
        let (otherFolder, _) = try sealedStore()
        #expect(try Store.open(directory: otherFolder.url).unlockedFromSession(keepingFor: 15) == nil)

        // `sotay lock`: gone at once; a second lock finds nothing.
        #expect(try Store.open(directory: folder.url).forgetSession())
        #expect(try Store.open(directory: folder.url).unlockedFromSession(keepingFor: 15) == nil)
        #expect(try !Store.open(directory: folder.url).forgetSession())
    }

    @Test("keeping for 0 minutes keeps nothing, and unlocking with the passphrase alone keeps nothing")
    func zeroKeepsNothing() throws {
        let (folder, _) = try sealedStore()
        let store = try Store.open(directory: folder.url)
        _ = try store.unlocked(passphrase: testPassphrase, keepingFor: 0)
        _ = try store.unlocked(passphrase: testPassphrase)
        #expect(store.unlockedFromSession(keepingFor: 15) == nil)
        _ = try store.unlocked(passphrase: testPassphrase, keepingFor: 15)
        defer { store.forgetSession() }
        #expect(store.unlockedFromSession(keepingFor: 0) == nil, "0 minutes reads nothing kept either")
    }

    @Test("a wrong passphrase keeps nothing, and a changed passphrase leaves the kept key opening nothing")
    func wrongAndChanged() throws {
        let (folder, draft) = try sealedStore()
        let store = try Store.open(directory: folder.url)
        #expect(throws: StoreError.self) { try store.unlocked(passphrase: "sai mật khẩu rồi", keepingFor: 15) }
        #expect(store.unlockedFromSession(keepingFor: 15) == nil)

        _ = try store.unlocked(passphrase: testPassphrase, keepingFor: 15)
        #expect(store.unlockedFromSession(keepingFor: 15) != nil)
        try store.changePassphrase(from: testPassphrase, to: "hoa gạo đỏ bờ sông", derivation: testDerivation)
        #expect(try Store.open(directory: folder.url).unlockedFromSession(keepingFor: 15) == nil, "the old key opened the store after a change")
        let renewed = try Store.open(directory: folder.url).unlocked(passphrase: "hoa gạo đỏ bờ sông", keepingFor: 15)
        defer { renewed.forgetSession() }
        #expect(try #require(try Store.open(directory: folder.url).unlockedFromSession(keepingFor: 15)).residentName(of: draft) == "Trần Thị Bình")
    }

    @Test("a key whose bytes do not open the store is refused and dropped, not trusted", .timeLimit(.minutes(1)))
    func foreignKeyRefused() throws {
        let (folder, _) = try sealedStore()
        let store = try Store.open(directory: folder.url)
        _ = try store.unlocked(passphrase: testPassphrase, keepingFor: 15)
        let name = try #require(store.keyringName())
        // Someone with the user's account puts other bytes under the same name.
        #expect(SessionKeyring.remember(Data(repeating: 7, count: 32), name: name, minutes: 15))
        #expect(store.unlockedFromSession(keepingFor: 15) == nil)
        #expect(SessionKeyring.recall(name: name, minutes: 15) == nil, "the refused key was left in the keyring")
    }

    /// Synchronous, with `usleep`: an `await Task.sleep` resumes only when a cooperative thread
    /// is free, which in a parallel test run on 2 cores came seconds late and let the key expire.
    @Test("the kernel drops a kept key when its time is up, and each use starts its time again")
    func expires() throws {
        let name = "sotay:test:\(UUID().uuidString)"
        #expect(SessionKeyring.remember(Data(repeating: 1, count: 32), name: name, seconds: 1))
        usleep(2_500_000)
        #expect(SessionKeyring.recall(name: name, minutes: 15) == nil, "still there after its timeout")
        #expect(!SessionKeyring.forget(name: name))

        // Used a second into its four: its time starts again (a minute), so it outlives the four.
        #expect(SessionKeyring.remember(Data(repeating: 2, count: 32), name: name, seconds: 4))
        usleep(1_000_000)
        #expect(SessionKeyring.recall(name: name, minutes: 1) == Data(repeating: 2, count: 32))
        usleep(4_500_000)
        #expect(SessionKeyring.recall(name: name, minutes: 1) != nil, "dropped although it was used")
        #expect(SessionKeyring.forget(name: name))
    }
}

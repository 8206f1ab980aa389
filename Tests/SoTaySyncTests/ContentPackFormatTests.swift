import Foundation
import SoTaySync
import SoTayWire
import Testing

/// A small library of three files, the signed packs made of it, and the checks a laptop runs.
private enum Sample {
    static let files: [(path: String, data: Data)] = [
        ("pack.yaml", Data("id: thu\nversion: \"1\"\n".utf8)),
        ("procedures/a.yaml", Data("id: a\n".utf8)),
        ("procedures/b.yaml", Data("id: b\n".utf8)),
    ]

    static func pack(_ files: [(path: String, data: Data)] = files, version: Int = 10, key: ContentSigningKey, roots: [SignedRoot]? = nil,
                     expires: Date = Date().addingTimeInterval(86400)) throws -> Data {
        try SignedPack.build(files: files, packId: "thu", version: version, createdAt: Date(), expiresAt: expires, publisher: "Xã Thử",
                             key: key, roots: roots)
    }

    static func edited(_ data: Data, _ change: (inout [String: Any]) -> Void) throws -> Data {
        var object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        change(&object)
        return try JSONSerialization.data(withJSONObject: object)
    }
}

@Suite("Content packs: format, signatures, versions, rotation")
struct ContentPackFormatTests {
    let hub = ContentSigningKey.generate()
    let project = ContentSigningKey.generate()

    var trust: PackTrust { PackTrust(root: ContentRoot(version: 1, keys: [project.publicKey]), hubKey: hub.publicKey) }

    @Test("A pack signed by the project's root or by the enrolled hub is taken whole, with its signer")
    func roundTrip() throws {
        let byHub = try trust.verify(try Sample.pack(key: hub), newerThan: nil, packId: "thu")
        #expect(byHub.signer == .hub)
        #expect(byHub.manifest.version == 10)
        #expect(byHub.files.map(\.path) == Sample.files.map(\.path))
        #expect(byHub.files.map(\.data) == Sample.files.map(\.data))
        let byProject = try trust.verify(try Sample.pack(key: project), newerThan: 9, packId: "thu")
        #expect(byProject.signer == .project)
        #expect(byProject.keyId == project.keyId)
    }

    @Test("A changed file, an added file, a changed manifest or a cut file is refused")
    func tampering() throws {
        let pack = try Sample.pack(key: hub)
        let changedFile = try Sample.edited(pack) { object in
            var files = object["files"] as? [String: String] ?? [:]
            files["procedures/a.yaml"] = Data("id: a\nfee: 0\n".utf8).base64EncodedString()
            object["files"] = files
        }
        #expect(throws: PackRefusal.tampered(file: "procedures/a.yaml")) { try trust.verify(changedFile, newerThan: nil, packId: nil) }
        let extraFile = try Sample.edited(pack) { object in
            var files = object["files"] as? [String: String] ?? [:]
            files["procedures/z.yaml"] = Data("id: z\n".utf8).base64EncodedString()
            object["files"] = files
        }
        #expect(throws: PackRefusal.tampered(file: "procedures/z.yaml")) { try trust.verify(extraFile, newerThan: nil, packId: nil) }
        let newerClaim = try Sample.edited(pack) { object in
            let manifest = String(decoding: Data(base64Encoded: object["manifest"] as? String ?? "") ?? Data(), as: UTF8.self)
            object["manifest"] = Data(manifest.replacingOccurrences(of: "\"version\":10", with: "\"version\":99").utf8).base64EncodedString()
        }
        #expect(throws: PackRefusal.unknownSigner(keyIds: [hub.keyId])) { try trust.verify(newerClaim, newerThan: nil, packId: nil) }
        #expect(throws: PackRefusal.malformed) { try trust.verify(pack.prefix(pack.count / 2), newerThan: nil, packId: nil) }
    }

    @Test("A pack signed by a key neither the root nor the enrolment names is refused")
    func unknownKey() throws {
        let stranger = ContentSigningKey.generate()
        #expect(throws: PackRefusal.unknownSigner(keyIds: [stranger.keyId])) {
            try trust.verify(try Sample.pack(key: stranger), newerThan: nil, packId: nil)
        }
    }

    @Test("Versions only go up: the same or an older version is refused; another library is refused")
    func versions() throws {
        let pack = try Sample.pack(version: 10, key: hub)
        #expect(throws: PackRefusal.notNewer(version: 10, have: 10)) { try trust.verify(pack, newerThan: 10, packId: nil) }
        #expect(throws: PackRefusal.notNewer(version: 10, have: 12)) { try trust.verify(pack, newerThan: 12, packId: nil) }
        #expect(throws: PackRefusal.otherLibrary(id: "thu", expected: "khac")) { try trust.verify(pack, newerThan: nil, packId: "khac") }
    }

    @Test("A new root signed by the old root and itself is taken; signed by the new key alone it is refused")
    func rotation() throws {
        let next = ContentSigningKey.generate()
        let rotation = try SignedRoot.rotate(to: ContentRoot(version: 2, keys: [next.publicKey]), oldKey: project, newKey: next)
        let taken = try trust.verify(try Sample.pack(key: next, roots: [rotation]), newerThan: nil, packId: nil)
        #expect(taken.signer == .project)
        #expect(taken.rootVersion == 2)
        #expect(taken.root == rotation)
        // Without the rotation the new key is nobody.
        #expect(throws: PackRefusal.unknownSigner(keyIds: [next.keyId])) { try trust.verify(try Sample.pack(key: next), newerThan: nil, packId: nil) }
        let forged = try SignedRoot.rotate(to: ContentRoot(version: 2, keys: [next.publicKey]), oldKey: next, newKey: next)
        #expect(throws: PackRefusal.badRootRotation(version: 2)) {
            try trust.verify(try Sample.pack(key: next, roots: [forged]), newerThan: nil, packId: nil)
        }
        // After the rotation the old key no longer signs packs.
        let rotated = PackTrust(root: ContentRoot(version: 2, keys: [next.publicKey]), hubKey: nil)
        #expect(throws: PackRefusal.unknownSigner(keyIds: [project.keyId])) { try rotated.verify(try Sample.pack(key: project), newerThan: nil, packId: nil) }
    }

    @Test("The laptop's library: install switches, a replay is refused and changes nothing, bundled is a way back")
    func localLibrary() throws {
        let folder = FileManager.default.temporaryDirectory.appending(path: "sotay-content-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let library = LocalLibrary(dataDirectory: folder)
        #expect(library.state().active == nil)
        try library.install(try Sample.pack(version: 10, key: hub), hubKey: hub.publicKey, packId: nil)
        var changed = Sample.files
        changed[1].data = Data("id: a\nfee: 0\n".utf8)
        try library.install(try Sample.pack(changed, version: 11, key: hub), hubKey: hub.publicKey, packId: nil)
        #expect(library.state().active == 11)
        #expect(throws: PackRefusal.notNewer(version: 10, have: 11)) {
            try library.install(try Sample.pack(version: 10, key: hub), hubKey: hub.publicKey, packId: nil)
        }
        #expect(library.state().active == 11)
        #expect(library.files(version: 11)?.files[1].data == changed[1].data)
        #expect(library.files(version: 10)?.files[1].data == Sample.files[1].data)
        try library.useBundled()
        #expect(library.state().active == nil)
        #expect(library.state().highest == 11)
        #expect(try library.use(version: 10))
        #expect(library.state().active == 10)
        // A pack file changed on disk after it was taken no longer loads.
        let url = folder.appending(path: "content/packs/10.sotaypack")
        let tampered = try Sample.edited(try Data(contentsOf: url)) { object in
            var files = object["files"] as? [String: String] ?? [:]
            files["procedures/b.yaml"] = Data("id: b\nx: 1\n".utf8).base64EncodedString()
            object["files"] = files
        }
        try tampered.write(to: url)
        #expect(library.files(version: 10)?.installed == nil)
    }

    @Test("The diff names procedures added, changed and removed, and other files")
    func diff() {
        let new: [(path: String, data: Data)] = [
            ("pack.yaml", Data("id: thu\nversion: \"2\"\n".utf8)),
            ("procedures/a.yaml", Data("id: a\nfee: 0\n".utf8)),
            ("procedures/c.yaml", Data("id: c\n".utf8)),
        ]
        let diff = LibraryDiff(old: Sample.files, new: new)
        #expect(diff.added == ["c"])
        #expect(diff.changed == ["a"])
        #expect(diff.removed == ["b"])
        #expect(diff.otherFiles == ["pack.yaml"])
        #expect(diff.summary(.vi) == "thêm c; sửa a; bỏ b; tệp khác: pack.yaml")
    }
}

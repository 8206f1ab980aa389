import Foundation
import SoTayCore
import SoTayStore
import SoTayWire

/// A relay file refused, or a relay the laptop cannot make: one line, in the volunteer's language.
public enum RelayError: Error, Sendable, LocalizedMessage {
    case notEnrolled
    case noRelayKey
    case nothingWaiting
    case cannotRead(path: String)
    case cannotWrite(path: String)
    case attachmentUnreadable(sha256: String)
    case file(path: String, RelayFile.Failure)
    case badReceipt(dossier: String)
    case store(StoreError)

    public func message(_ language: Language) -> String {
        let untouched = pick(language, vi: " Chưa áp dụng gì.", en: " Nothing was applied.")
        switch self {
        case .notEnrolled:
            return pick(language, vi: "Máy này chưa ghi danh với máy chủ xã: chạy sotay enroll trước (cần mạng một lần).",
                        en: "This laptop is not enrolled with a commune hub: run sotay enroll first (it needs a connection once).")
        case .noRelayKey:
            return pick(language, vi: "Máy này chưa có khóa chuyển tay của máy chủ xã: đồng bộ một lần khi có mạng (sotay sync) rồi thử lại.",
                        en: "This laptop does not have the hub's relay key yet: sync once with a connection (sotay sync), then try again.")
        case .nothingWaiting:
            return pick(language, vi: "Không có hồ sơ, ảnh hay nhật ký nào chờ gửi: không cần tệp chuyển tay.",
                        en: "No dossier, photo or log entry is waiting: no relay file is needed.")
        case .cannotRead(let path):
            return pick(language, vi: "Không đọc được tệp \(path): kiểm tra đường dẫn và USB.", en: "Cannot read \(path): check the path and the USB stick.")
        case .cannotWrite(let path):
            return pick(language, vi: "Không ghi được tệp \(path): kiểm tra USB còn chỗ và không bị khóa ghi.",
                        en: "Cannot write \(path): check that the USB stick has room and is not write-protected.")
        case .attachmentUnreadable(let sha256):
            return pick(language, vi: "Không đọc được ảnh \(sha256.prefix(12)) trên máy này: chưa tạo tệp chuyển tay.",
                        en: "Cannot read the photo \(sha256.prefix(12)) on this laptop: no relay file was written.")
        case .file(let path, let failure):
            switch failure {
            case .notRelay:
                return pick(language, vi: "\(path) không phải tệp chuyển tay của Sổ Tay.", en: "\(path) is not a Sổ Tay relay file.") + untouched
            case .incomplete(let expected, let actual):
                return pick(language, vi: "Tệp \(path) chưa chép đủ (\(actual)/\(expected) byte): chép lại từ máy gốc rồi thử lại.",
                            en: "\(path) was not copied whole (\(actual) of \(expected) bytes): copy it again from the laptop, then try again.") + untouched
            case .tampered:
                return pick(language, vi: "Tệp \(path) đã bị sửa hoặc hỏng sau khi tạo: không dùng được, hãy xuất tệp mới.",
                            en: "\(path) was changed or damaged after it was written: it cannot be used; export a new one.") + untouched
            case .otherHub:
                return pick(language, vi: "Tệp \(path) là của máy chủ xã khác, không phải máy chủ máy này đã ghi danh.",
                            en: "\(path) comes from another commune hub, not the one this laptop is enrolled with.") + untouched
            case .otherDevice:
                return pick(language, vi: "Tệp trả về \(path) dành cho máy khác: mỗi máy chỉ nhận tệp trả về của chính nó.",
                            en: "The return file \(path) is for another laptop: each laptop takes only its own return file.") + untouched
            case .wrongKind:
                return pick(language, vi: "\(path) là tệp gửi lên máy chủ, không phải tệp trả về: mang nó tới máy chủ xã (sotay-hub relay import).",
                            en: "\(path) is a file for the hub, not a return file: take it to the commune hub (sotay-hub relay import).") + untouched
            }
        case .badReceipt(let dossier):
            return pick(language, vi: "Biên nhận cho hồ sơ \(dossier.prefix(8)) trong tệp trả về không có chữ ký đúng của máy chủ xã.",
                        en: "The receipt for dossier \(dossier.prefix(8)) in the return file is not signed by the commune hub.") + untouched
        case .store(let error):
            return error.message(language)
        }
    }
}

/// `sotay relay`: the sync's two halves carried on a USB stick.
public enum Relay {
    public struct Exported: Sendable {
        public var exportId: String
        public var dossiers: Int
        public var activities: Int
        public var blobs: Int
        public var bytes: Int
    }

    public struct Applied: Sendable {
        public var receipts = 0
        public var alreadyDone = 0
        public var parked = 0
        public var activities = 0
        public var changes = 0
    }

    /// Writes everything waiting into `url`, sealed to the hub's relay key. The outbox is left
    /// as it is: items leave it only when the return file (or a sync) brings their receipts.
    public static func export(store: Store, to url: URL, now: Date = Date()) throws(RelayError) -> Exported {
        do {
            guard let link = try store.hubLink() else { throw RelayError.notEnrolled }
            guard let relayKey = link.relayKey else { throw RelayError.noRelayKey }
            let dossiers = store.isUnlocked ? try store.outbox(kind: .dossier) : []
            let activityItems = try store.outbox(kind: .activity)
            let records = try store.activities(ids: activityItems.map(\.itemId)).filter { !$0.hasLockedNote }
            let byID = Dictionary(records.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
            let activities = activityItems.compactMap { byID[$0.itemId].map(ActivityUpload.init) }
            var blobs: [RelayBundle.Blob] = []
            var blobBytes: [Data] = []
            var seen = Set<String>()
            let folder = try store.blobFolder()
            for item in dossiers {
                for ref in SyncEngine.attachments(of: item) where seen.insert(ref.sha256).inserted {
                    let bytes: Data
                    do { bytes = try folder.reader(sha256: ref.sha256).readAll() } catch { throw RelayError.attachmentUnreadable(sha256: ref.sha256) }
                    guard bytes.count == ref.size, Hashes.sha256Hex(bytes) == ref.sha256 else { throw RelayError.attachmentUnreadable(sha256: ref.sha256) }
                    blobs.append(.init(sha256: ref.sha256, size: bytes.count))
                    blobBytes.append(bytes)
                }
            }
            guard !dossiers.isEmpty || !activities.isEmpty else { throw RelayError.nothingWaiting }
            let exportId = UUID().uuidString.lowercased()
            let bundle = RelayBundle(token: link.token, exportId: exportId, dossiers: dossiers.compactMap(\.payload), activities: activities,
                                     blobs: blobs, cursor: link.cursor)
            let file: Data
            do {
                file = try RelayFile.sealToHub(try bundle.encoded(blobBytes: blobBytes), relayKey: relayKey, hubKey: link.hubKey, exportId: exportId,
                                               deviceId: link.deviceId, now: now)
            } catch {
                throw RelayError.noRelayKey
            }
            try writeWhole(file, to: url)
            return Exported(exportId: exportId, dossiers: dossiers.count, activities: activities.count, blobs: blobs.count, bytes: file.count)
        } catch let error as RelayError {
            throw error
        } catch let error as StoreError {
            throw .store(error)
        } catch {
            throw .cannotWrite(path: url.path)
        }
    }

    /// Written beside, then renamed: the name never shows a half-written file.
    public static func writeWhole(_ data: Data, to url: URL) throws(RelayError) {
        let temporary = url.deletingLastPathComponent().appending(path: ".\(url.lastPathComponent).\(UUID().uuidString).part")
        do {
            try data.write(to: temporary)
            let handle = try FileHandle(forWritingTo: temporary)
            try? handle.synchronize()
            try? handle.close()
            if FileManager.default.fileExists(atPath: url.path) { try FileManager.default.removeItem(at: url) }
            try FileManager.default.moveItem(at: temporary, to: url)
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw .cannotWrite(path: url.path)
        }
    }

    /// Applies a return file: every receipt checked first, then stored as a sync stores them.
    public static func applyReturn(store: Store, from url: URL) throws(RelayError) -> Applied {
        guard let data = FileManager.default.contents(atPath: url.path) else { throw .cannotRead(path: url.path) }
        do {
            guard let link = try store.hubLink() else { throw RelayError.notEnrolled }
            let reply: RelayReturn
            do {
                let parsed = try RelayFile.parse(data)
                let plaintext = try RelayFile.openReturn(parsed, hubKey: link.hubKey, token: link.token, deviceId: link.deviceId)
                guard let decoded = try? WireProtocol.decoder().decode(RelayReturn.self, from: plaintext), decoded.exportId == parsed.header.exportId else {
                    throw RelayFile.Failure.tampered
                }
                reply = decoded
            } catch let failure as RelayFile.Failure {
                throw RelayError.file(path: url.path, failure)
            }
            // Check every receipt before storing any.
            let dossiers = try store.outbox(kind: .dossier)
            var completions: [(Int64, DossierAccepted)] = []
            var applied = Applied()
            for accepted in reply.accepted {
                guard let item = dossiers.first(where: { $0.itemId == accepted.dossierId && $0.revision == accepted.revision }),
                      let id = item.id, let payload = item.payload
                else {
                    applied.alreadyDone += 1
                    continue
                }
                guard accepted.receipt.isSigned(by: link.hubKey), accepted.receipt.contentSHA256 == Hashes.sha256Hex(payload),
                      accepted.receipt.dossierId == accepted.dossierId, accepted.receipt.revision == accepted.revision
                else { throw RelayError.badReceipt(dossier: accepted.dossierId) }
                completions.append((id, accepted))
            }
            for (id, accepted) in completions {
                try store.completeDossier(id, receipt: ReceiptRecord(accepted.receipt, kind: accepted.kind), hubStatus: accepted.status.rawValue)
                applied.receipts += 1
            }
            // Refused for good, as a sync parks them; a missing photo is not for good.
            for refused in reply.refused where !refused.reason.contains(ErrorCode.missingBlobs.rawValue) {
                let ids = dossiers.filter { $0.itemId == refused.dossierId && $0.revision == refused.revision }.compactMap(\.id)
                if !ids.isEmpty {
                    try store.park(ids, reason: refused.reason)
                    applied.parked += ids.count
                }
            }
            let activityItems = try store.outbox(kind: .activity)
            let stored = Set(reply.activitiesStored)
            let done = activityItems.filter { stored.contains($0.itemId) }.compactMap(\.id)
            if !done.isEmpty { try store.completeActivities(done) }
            applied.activities = done.count
            for refused in reply.activitiesRefused {
                let ids = activityItems.filter { $0.itemId == refused.dossierId }.compactMap(\.id)
                if !ids.isEmpty {
                    try store.park(ids, reason: refused.reason)
                    applied.parked += ids.count
                }
            }
            try store.markBlobsUploaded(reply.blobs)
            // An older return file must not move the feed back.
            if (Int64(reply.cursor) ?? 0) > (Int64(link.cursor) ?? 0) {
                try SyncEngine.apply(reply.changes, cursor: reply.cursor, to: store)
                applied.changes = reply.changes.count
            }
            try store.pruneOriginals()
            try store.updateHubLink { link in link.lastSyncAt = Date() }
            return applied
        } catch let error as RelayError {
            throw error
        } catch let error as StoreError {
            throw .store(error)
        } catch {
            throw .cannotRead(path: url.path)
        }
    }
}

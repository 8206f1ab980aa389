import Foundation
import SoTayTestSupport
import Testing

/// The hub's disk fails: full, or mounted read-only. The hub says so in words, the laptop tells
/// the volunteer the hub is at fault and keeps everything, and nothing is half-stored.
@Suite("End to end: the hub's disk is full or read-only", .serialized, .enabled(if: DiskFaults.isAvailable, "needs mount (root): tmpfs and read-only bind mounts"))
struct HubStorageFaultTests {
    @Test("On a full disk the hub logs 'disk full' with the file, answers storage_full, and the laptop says the hub's disk is full; freed, the next sync finishes")
    func fullDisk() throws {
        let disk = try DiskFaults.smallDisk(megabytes: 6)
        defer { DiskFaults.unmount(disk); try? FileManager.default.removeItem(at: disk) }
        let hub = try HubProcess(data: disk)
        defer { hub.cleanUp() }
        let laptop = try Laptop(hub: hub)
        defer { laptop.sotay.cleanUp() }
        let photo = try SampleFiles.write(SampleFiles.jpeg(size: 600_000), named: "giấy chứng sinh.jpg", in: laptop.sotay.home.appending(path: "files"))
        let id = try laptop.dossier("Trần Văn Bình", attaching: [photo])
        let filler = try DiskFaults.fill(disk)

        let refused = try laptop.sotay.run(["sync"])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("Máy chủ xã đang lỗi (đầy ổ đĩa)"), "\(refused.stderr)")
        #expect(refused.stderr.contains("vẫn được lưu trên máy"))
        let english = try laptop.sotay.run(["sync", "--lang", "en"])
        #expect(english.stderr.contains("its disk is full"), "\(english.stderr)")
        let log = try String(contentsOf: hub.logFile, encoding: .utf8)
        #expect(log.contains("storage failed") && log.contains("cause=disk full"), "\(log.suffix(2000))")
        #expect(log.contains("file=\(disk.path)"))
        #expect(!log.contains("error=DatabaseError"))
        #expect(try laptop.status()["pendingDossiers"] as? Int == 1)

        try FileManager.default.removeItem(at: filler)
        let again = try laptop.sotay.run(["sync"])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(try hubDossiers(hub).keys.sorted() == [id])
        #expect(try hubBlobs(hub).count == 1)
    }

    @Test("serve on a read-only data folder exits with one clear line that names the folder")
    func readOnlyServe() throws {
        let hub = try HubProcess()
        defer { hub.cleanUp() }
        // Killed, not stopped: the database's -wal and -shm files stay, so SQLite opens it and
        // only the first write fails ("SQLite error 8 … DELETE FROM upload" before).
        kill(try #require(hub.pid), SIGKILL)
        hub.stop()
        #expect(FileManager.default.fileExists(atPath: hub.data.appending(path: "hub.sqlite-wal").path))
        try DiskFaults.makeReadOnly(hub.data)
        defer { DiskFaults.unmount(hub.data) }
        let runner = try Sotay(fixtureContent: false)
        defer { runner.cleanUp() }

        let served = try runner.run(["serve", "--data", hub.data.path, "--listen", "127.0.0.1:0"], executable: Sotay.hubBinary)
        #expect(served.status == 1)
        let lines = served.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(served.stderr)")
        #expect(served.stderr.contains("chỉ đọc") && served.stderr.contains(hub.data.path), "\(served.stderr)")
        #expect(!served.stderr.contains("SQLite"))
        let english = try runner.run(["serve", "--data", hub.data.path, "--listen", "127.0.0.1:0", "--lang", "en"], executable: Sotay.hubBinary)
        #expect(english.status == 1)
        #expect(english.stderr.contains("read-only"), "\(english.stderr)")
    }
}

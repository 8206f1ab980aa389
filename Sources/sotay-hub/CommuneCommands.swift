import ArgumentParser
import Foundation
import Logging
import SoTayHub

/// `sotay-hub communes add|list`: the communes a province hub serves (PostgreSQL). A SQLite hub
/// is one commune, its volunteers': `list` shows it, `add` says to use PostgreSQL.
struct Communes: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Các xã của máy chủ (máy chủ tỉnh trên PostgreSQL): thêm, xem danh sách.",
                                                    subcommands: [Add.self, List.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Thêm một xã.")
        @OptionGroup var options: HubOptions
        @Argument(help: ArgumentHelp("Tên xã, phường.", valueName: "tên-xã")) var name: String

        func run() async throws {
            let commune = try await options.withRepository { repository in try await repository.addCommune(name, now: Date()) }
            print(options.t("Đã có xã \(commune.name) (\(commune.volunteers) tình nguyện viên).", "Commune \(commune.name) is there (\(commune.volunteers) volunteer(s))."))
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Danh sách xã.")
        @OptionGroup var options: HubOptions
        @Flag(help: "In dạng JSON.") var json = false

        func run() async throws {
            let communes = try await options.withRepository { repository in try await repository.communeList() }
            if json { return try printJSON(communes) }
            guard !communes.isEmpty else { return print(options.t("Chưa có xã nào.", "No commune yet.")) }
            for commune in communes {
                print("  \(commune.name) · " + options.t("\(commune.volunteers) tình nguyện viên", "\(commune.volunteers) volunteer(s)"))
            }
        }
    }
}

extension HubOptions {
    /// Runs `body` on the hub's store: PostgreSQL when `--database` / `$SOTAY_HUB_DATABASE` names
    /// one (closed after), else the SQLite store in the data folder.
    func withRepository<T>(_ body: (any HubRepository & HubCommuneRepository & HubReportRepository & HubInventoryRepository & HubContentRepository & HubRelayRepository & HubReceiptRepository) async throws -> T) async throws -> T {
        guard let url = databaseURL else { return try await body(try HubStore.open(directory: dataDirectory, keyFile: keyFileURL)) }
        var logger = Logger(label: "sotay-hub")
        logger.logLevel = .warning
        let store = try await PostgresHubStore.open(url: url, directory: dataDirectory, keyFile: keyFileURL, logger: logger)
        do {
            let value = try await body(store)
            await store.close()
            return value
        } catch {
            await store.close()
            throw error
        }
    }
}

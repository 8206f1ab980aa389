import Foundation
import SoTayCore
import SoTayStore

/// The volunteer's profile: who logs the work, and where.
enum Profiles {
    /// The saved profile; asked for on the spot when missing and a person is there to answer.
    static func require(store: Store, workspace: Workspace, interactive: Bool) throws -> VolunteerProfile {
        if let profile = try store.profile() { return profile }
        guard interactive else { throw CLIError.noProfile }
        return try ask(store: store, workspace: workspace, given: Fields(), reader: LineReader())
    }

    struct Fields {
        var name: String?
        var phone: String?
        var village: String?
        var commune: String?
        var province: String?
    }

    /// Asks for each field not given, checks it, and saves the profile.
    static func ask(store: Store, workspace: Workspace, given: Fields, reader: LineReader, existing: VolunteerProfile? = nil) throws -> VolunteerProfile {
        let render = workspace.render
        if existing == nil {
            Output.line(render.t("Chào bạn! Trước khi bắt đầu, Sổ Tay cần biết ai ghi công việc này và ở đâu.",
                                 "Welcome! Before starting, Sổ Tay needs to know who logs this work, and where."))
        }
        func field(_ value: String?, _ current: String?, _ prompt: String, required: Bool) throws -> String? {
            if let value { return value.trimmingCharacters(in: .whitespaces) }
            if let current { return current }
            while true {
                guard let line = reader.read(prompt: prompt + ": ") else { throw CLIError.inputEnded }
                let trimmed = line.trimmingCharacters(in: .whitespaces)
                if !trimmed.isEmpty || !required { return trimmed.isEmpty ? nil : trimmed }
                Output.line("  ✗ " + ValidationFailure.empty.message(render.language))
            }
        }
        let name = try field(given.name, existing?.name, render.t("Họ tên tình nguyện viên", "Volunteer's name"), required: true) ?? ""
        let village = try field(given.village, existing?.village, render.t("Thôn / tổ dân phố", "Village"), required: true) ?? ""
        let commune = try field(given.commune, existing?.commune, render.t("Xã / phường", "Commune / ward"), required: true) ?? ""
        let provinceNames = workspace.pack.provinces.map(\.name)
        let provincePrompt = render.t("Tỉnh / thành phố", "Province / city") + (provinceNames.isEmpty ? "" : " (" + provinceNames.joined(separator: ", ") + "…)")
        let province = try field(given.province, existing?.province, provincePrompt, required: true) ?? ""
        // The optional phone is asked only of a person at a terminal, never of a script.
        let phoneText = reader.isInteractive || given.phone != nil
            ? try field(given.phone, existing?.phone, render.t("Số điện thoại của bạn (Enter để bỏ qua)", "Your phone (Enter to skip)"), required: false)
            : existing?.phone
        var phone: String?
        if let phoneText {
            switch PhoneNumber.normalize(phoneText) {
            case .success(let number): phone = number
            case .failure(let reason): throw CLIError.invalidProfileField("--phone", reason)
            }
        }
        for (flag, value) in [("--name", name), ("--village", village), ("--commune", commune), ("--province", province)] {
            if value.isEmpty { throw CLIError.invalidProfileField(flag, .empty) }
            if value.count > 100 { throw CLIError.invalidProfileField(flag, .tooLong(max: 100)) }
            if CredentialGuard.looksLikeCredential(value) { throw CLIError.invalidProfileField(flag, .looksLikeCredential) }
        }
        // The province as the library spells it, when the library knows it.
        let provinceName = workspace.pack.province(named: province)?.name ?? province
        let profile = VolunteerProfile(name: name, phone: phone, village: village, commune: commune, province: provinceName)
        try store.saveProfile(profile)
        return profile
    }
}

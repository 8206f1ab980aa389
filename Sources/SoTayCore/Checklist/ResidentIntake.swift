/// The two questions that open a walk for a new resident: enough to recognise the draft later,
/// and nothing more. Their answers go to the resident's record, not to the dossier.
public enum ResidentIntake {
    public static let nameID = "resident_name"
    public static let phoneID = "resident_phone"

    /// Whether a step id belongs to the intake (content may not use the prefix).
    public static func isIntake(_ stepID: String) -> Bool {
        stepID.hasPrefix("resident_")
    }

    public static let steps: [Step] = [
        Step(
            id: nameID,
            kind: .question(Question(type: .text, maxLength: 100)),
            text: LocalizedText(vi: "Họ tên người dân (để nhận ra hồ sơ nháp)", en: "Resident's name (to recognise the draft)"),
            help: LocalizedText(
                vi: "Chỉ để tình nguyện viên nhận ra hồ sơ nháp trên máy. Có thể ghi tên thường gọi.",
                en: "Only so the volunteer can recognise the draft on this laptop. A short name is fine.")
        ),
        Step(
            id: phoneID,
            kind: .question(Question(type: .phone, required: false)),
            text: LocalizedText(vi: "Số điện thoại của người dân (để báo khi hồ sơ có kết quả)",
                                en: "Resident's phone number (to tell them when the dossier has a result)"),
            help: LocalizedText(vi: "Không bắt buộc: gõ \"bỏ qua\" nếu người dân không muốn cho số.",
                                en: "Optional: type \"skip\" if the resident prefers not to give it.")
        ),
    ]
}

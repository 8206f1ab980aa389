/// Why a typed answer was not accepted: the reason shown before the question is asked again.
public enum ValidationFailure: Error, Sendable, Hashable, LocalizedMessage {
    case empty
    case tooLong(max: Int)
    case notYesNo
    case unknownChoice(count: Int)
    case duplicateChoice
    case notADate
    case impossibleDate
    case futureDate
    case cccdLength(digits: Int)
    case cccdNotDigits
    case cccdCenturyInFuture
    case cccdBirthDateMismatch(expectedYear: Int)
    case cccdGenderCentury(birthYear: Int)
    case phoneFormat
    case notAnInteger
    case integerTooSmall(min: Int)
    case integerTooLarge(max: Int)
    case looksLikeCredential
    case notSkippable

    public func message(_ language: Language) -> String {
        switch self {
        case .empty:
            pick(language, vi: "Câu này cần có câu trả lời.", en: "This question needs an answer.")
        case .tooLong(let max):
            pick(language, vi: "Dài quá: tối đa \(max) ký tự.", en: "Too long: at most \(max) characters.")
        case .notYesNo:
            pick(language, vi: "Hãy trả lời \"có\" hoặc \"không\".", en: "Please answer \"yes\" or \"no\".")
        case .unknownChoice(let count):
            pick(language, vi: "Hãy gõ số thứ tự của lựa chọn, từ 1 đến \(count).",
                 en: "Please type the number of a choice, from 1 to \(count).")
        case .duplicateChoice:
            pick(language, vi: "Mỗi lựa chọn chỉ chọn một lần.", en: "Choose each option only once.")
        case .notADate:
            pick(language, vi: "Ngày viết theo dạng ngày/tháng/năm, ví dụ 05/09/2024.",
                 en: "Write the date as day/month/year, for example 05/09/2024.")
        case .impossibleDate:
            pick(language, vi: "Ngày này không có trên lịch. Kiểm tra lại ngày và tháng.",
                 en: "That day does not exist. Check the day and the month.")
        case .futureDate:
            pick(language, vi: "Ngày này còn ở tương lai. Kiểm tra lại năm.",
                 en: "That date is in the future. Check the year.")
        case .cccdLength(let digits):
            pick(language, vi: "Số CCCD/định danh có đúng 12 chữ số; số vừa gõ có \(digits).",
                 en: "A CCCD / personal ID number has exactly 12 digits; this one has \(digits).")
        case .cccdNotDigits:
            pick(language, vi: "Số CCCD/định danh chỉ gồm chữ số.", en: "A CCCD / personal ID number has digits only.")
        case .cccdCenturyInFuture:
            pick(language, vi: "Chữ số thứ 4 và 5–6 của số CCCD cho năm sinh ở tương lai. Đọc lại số trên thẻ.",
                 en: "Digits 4 and 5–6 of the CCCD give a birth year in the future. Read the number on the card again.")
        case .cccdBirthDateMismatch(let year):
            pick(language, vi: "Số CCCD này ứng với năm sinh \(year), khác với ngày sinh đã nhập. Kiểm tra lại số hoặc ngày sinh.",
                 en: "This CCCD number belongs to someone born in \(year), not the birth date given. Check the number or the date.")
        case .cccdGenderCentury(let year):
            pick(language, vi: "Chữ số thứ 4 của số CCCD không khớp với năm sinh \(year). Đọc lại số trên thẻ.",
                 en: "Digit 4 of the CCCD does not match the birth year \(year). Read the number on the card again.")
        case .phoneFormat:
            pick(language, vi: "Số điện thoại Việt Nam: di động 10 số (ví dụ 0912 345 678) hoặc cố định 11 số bắt đầu bằng 02.",
                 en: "A Vietnamese phone number: mobile, 10 digits (e.g. 0912 345 678), or landline, 11 digits starting 02.")
        case .notAnInteger:
            pick(language, vi: "Hãy gõ một số nguyên, ví dụ 3.", en: "Please type a whole number, for example 3.")
        case .integerTooSmall(let min):
            pick(language, vi: "Số nhỏ nhất được nhận là \(min).", en: "The smallest accepted number is \(min).")
        case .integerTooLarge(let max):
            pick(language, vi: "Số lớn nhất được nhận là \(max).", en: "The largest accepted number is \(max).")
        case .looksLikeCredential:
            pick(language,
                 vi: "Không ghi mật khẩu hay mã OTP của người dân vào Sổ Tay. Người dân tự gõ trên điện thoại của mình; không ai được hỏi các mã này (đề phòng lừa đảo).",
                 en: "Do not write a resident's password or OTP code into Sổ Tay. Residents type them on their own phone; nobody may ask for them (scam prevention).")
        case .notSkippable:
            pick(language, vi: "Câu này bắt buộc, không bỏ qua được.", en: "This question is required and cannot be skipped.")
        }
    }
}

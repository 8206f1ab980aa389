/// A 12-digit CCCD / personal identification number (số định danh cá nhân).
///
/// Structure (NĐ 137/2015 Điều 13, kept under Luật Căn cước 2023): 3 digits for where the birth was
/// registered, 1 digit for century and gender, 2 digits for the birth year, 6 random digits.
/// An unknown place code is not refused: codes after the 2025 mergers and for births abroad are
/// not verified (see shared/content-facts FACTS.md §5.4).
public struct CCCD: Sendable, Hashable {
    public let digits: String

    /// The birth year the number encodes.
    public var birthYear: Int {
        let centuryDigit = digits.unicodeScalars.dropFirst(3).first.map { Int($0.value) - 48 } ?? 0
        let yearDigits = Int(String(digits.dropFirst(4).prefix(2))) ?? 0
        return 1900 + (centuryDigit / 2) * 100 + yearDigits
    }

    /// `true` for a woman, by the century-and-gender digit (odd digits are women).
    public var isFemale: Bool {
        let centuryDigit = digits.unicodeScalars.dropFirst(3).first.map { Int($0.value) - 48 } ?? 0
        return centuryDigit % 2 == 1
    }

    /// Checks a typed number; spaces and dots between digit groups are allowed.
    public static func validate(_ raw: String, today: CalendarDate, birthDate: CalendarDate? = nil) -> Result<CCCD, ValidationFailure> {
        let compact = raw.filter { $0 != " " && $0 != "." && $0 != "-" }
        guard compact.allSatisfy(\.isASCIIDigit) else { return .failure(.cccdNotDigits) }
        guard compact.count == 12 else { return .failure(.cccdLength(digits: compact.count)) }
        let number = CCCD(digits: compact)
        guard number.birthYear <= today.year else { return .failure(.cccdCenturyInFuture) }
        if let birthDate, birthDate.year != number.birthYear {
            let sameTwoDigits = birthDate.year % 100 == number.birthYear % 100
            return .failure(sameTwoDigits ? .cccdGenderCentury(birthYear: birthDate.year)
                                          : .cccdBirthDateMismatch(expectedYear: number.birthYear))
        }
        return .success(number)
    }
}

/// Vietnamese phone numbers: mobiles (10 digits, 03/05/07/08/09) and landlines (11 digits, 02…).
public enum PhoneNumber {
    /// The number in its plain national form (`0912345678`), or why it is not one.
    public static func normalize(_ raw: String) -> Result<String, ValidationFailure> {
        var compact = raw.filter { !" .-()".contains($0) }
        if compact.hasPrefix("+84") {
            compact = "0" + compact.dropFirst(3)
        } else if compact.hasPrefix("84") && (compact.count == 11 || compact.count == 12) {
            compact = "0" + compact.dropFirst(2)
        }
        guard compact.allSatisfy(\.isASCIIDigit), compact.hasPrefix("0") else { return .failure(.phoneFormat) }
        let second = compact.dropFirst().first
        switch (compact.count, second) {
        case (10, "3"?), (10, "5"?), (10, "7"?), (10, "8"?), (10, "9"?): return .success(compact)
        case (11, "2"?): return .success(compact)
        default: return .failure(.phoneFormat)
        }
    }
}

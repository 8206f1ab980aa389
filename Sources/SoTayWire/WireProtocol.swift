import Foundation

/// Constants of the sync protocol, version 1 (`sync/PROTOCOL.md`).
public enum WireProtocol {
    /// Every hub response carries this header; a reply without it did not come from a hub.
    public static let header = "Sotay-Protocol"
    public static let version = "1"
    /// The service name in `GET /v1/health`.
    public static let service = "sotay-hub"

    /// Largest request body the hub reads, per route family.
    public static let maxDossierBody = 1 << 20
    public static let maxActivityBody = 1 << 20
    public static let maxSmallBody = 16 << 10
    /// Most activities in one `POST /v1/activities`.
    public static let maxActivitiesPerBatch = 500
    /// Default and largest page of the change feed.
    /// Largest blob the hub takes by default (`Tus-Max-Size`), and most hashes in one query.
    public static let maxBlobSize: Int64 = 20 << 20
    public static let maxBlobQuery = 1000
    /// The tus version spoken at `/v1/uploads`.
    public static let tusVersion = "1.0.0"
    public static let defaultChangesLimit = 200
    public static let maxChangesLimit = 1000

    /// JSON as the protocol writes it: ISO 8601 dates with milliseconds in UTC, sorted keys.
    public static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(WireDate.string(date))
        }
        return encoder
    }

    public static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = WireDate.date(text) else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "not an ISO 8601 date-time: \(text)")
            }
            return date
        }
        return decoder
    }
}

/// Dates on the wire: `2026-11-24T03:15:42.123Z`, millisecond precision, always UTC.
public enum WireDate {
    private static let withFraction = Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt)
    private static let withoutFraction = Date.ISO8601FormatStyle(includingFractionalSeconds: false, timeZone: .gmt)

    /// Deterministic: the date is first rounded to a whole millisecond, so two dates that
    /// differ by floating-point noise write the same text.
    public static func string(_ date: Date) -> String {
        let milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded())
        let (seconds, remainder) = milliseconds.quotientAndRemainder(dividingBy: 1000)
        let whole = Date(timeIntervalSince1970: TimeInterval(remainder < 0 ? seconds - 1 : seconds))
        let text = withoutFraction.format(whole)
        let fraction = remainder < 0 ? remainder + 1000 : remainder
        return String(text.dropLast()) + "." + String(format: "%03lld", fraction) + "Z"
    }

    public static func date(_ text: String) -> Date? {
        (try? withFraction.parse(text)) ?? (try? withoutFraction.parse(text))
    }

    /// The date as the wire will carry it, so that values compare equal after a round trip.
    public static func truncated(_ date: Date) -> Date {
        Date(timeIntervalSince1970: (date.timeIntervalSince1970 * 1000).rounded() / 1000)
    }
}

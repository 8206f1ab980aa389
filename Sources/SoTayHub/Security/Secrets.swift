import Crypto
import Foundation
import SoTayWire

/// Enrolment codes, device tokens and their hashes.
public enum Secrets {
    /// No 0/O, 1/I/L: a code is read aloud over the phone or across the desk.
    static let codeAlphabet = Array("23456789ABCDEFGHJKMNPQRSTUVWXYZ")

    /// A one-time enrolment code such as `K7PX-3MQA` (8 symbols of 31, about 40 bits).
    static func newEnrollCode() -> String {
        var generator = SystemRandomNumberGenerator()
        let symbols = (0..<8).map { _ in codeAlphabet[Int.random(in: 0..<codeAlphabet.count, using: &generator)] }
        return String(symbols[0..<4]) + "-" + String(symbols[4..<8])
    }

    /// The code as typed, uppercased, without spaces or dashes.
    static func normalizedCode(_ code: String) -> String {
        String(code.uppercased().filter { $0.isLetter || $0.isNumber })
    }

    /// A short device id, easy to read in `devices list`.
    static func newDeviceID() -> String {
        var generator = SystemRandomNumberGenerator()
        return "dev-" + String((0..<8).map { _ in codeAlphabet[Int.random(in: 0..<codeAlphabet.count, using: &generator)] }).lowercased()
    }

    /// 128 random bits in hex: an upload's address is not guessable.
    static func newUploadID() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<16).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
    }

    static func hash(_ secret: String) -> String {
        Hashes.sha256Hex(Data(secret.utf8))
    }
}

import Foundation
import SoTayWire
import Testing

@Suite("Wire: hex and SHA-256")
struct HashesTests {
    @Test("SHA-256 in lowercase hex, as the receipts, tokens and blobs name it (FIPS 180-2 vectors)")
    func knownVectors() {
        #expect(Hashes.sha256Hex(Data("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(Hashes.sha256Hex(Data()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(Hashes.hex([0x00, 0x0f, 0xa0, 0xff]) == "000fa0ff")
        // Every byte, against the formatter it replaced.
        let all = (0...255).map { UInt8($0) }
        #expect(Hashes.hex(all) == all.map { String(format: "%02x", $0) }.joined())
    }
}

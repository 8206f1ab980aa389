import Testing
@testable import SoTayCore

@Suite("Vietnamese folding and search")
struct SearchTests {
    @Test("tone marks, đ, case and i/y spelling fold to one key", arguments: [
        ("Đăng ký khai sinh", "dang ki khai sinh"),
        ("đăng kí khai sinh", "dang ki khai sinh"),
        ("dang ky khai sinh", "dang ki khai sinh"),
        ("  ĐĂNG   KÝ, khai-sinh! ", "dang ki khai sinh"),
        ("Lý lịch tư pháp", "li lich tu phap"),
        ("Quý", "qui"),
        ("tuy nhiên", "tuy nhien"),
        ("Mã 1.001193.", "ma 1.001193"),
    ])
    func folding(text: String, folded: String) {
        #expect(VietnameseFolding.fold(text) == folded)
    }

    @Test("folding twice changes nothing (found by the property tests)", arguments: ["\u{212B}", "Å", "1..", "Mã 1.001193..", "ǅ"])
    func idempotent(text: String) {
        let folded = VietnameseFolding.fold(text)
        #expect(VietnameseFolding.fold(folded) == folded)
    }

    @Test("decomposed (NFD) input folds like composed input")
    func decomposed() {
        #expect(VietnameseFolding.fold("Đa\u{0306}\u{0301}ng") == VietnameseFolding.fold("Đắng"))
    }

    let index = SearchIndex([
        SearchEntry(id: "khai-sinh", title: "Đăng ký khai sinh", aliases: ["làm giấy khai sinh"], codes: ["1.001193"], detailed: true),
        SearchEntry(id: "khai-tu", title: "Đăng ký khai tử", aliases: ["báo tử"], codes: ["1.000656"], detailed: true),
        SearchEntry(id: "thuong-tru", title: "Đăng ký thường trú", aliases: ["nhập hộ khẩu"], codes: ["1.004222"], detailed: true),
        SearchEntry(id: "ks-catalogue", title: "Đăng ký khai sinh có yếu tố nước ngoài", codes: ["1.001695"], detailed: false),
        SearchEntry(id: "kh", title: "Đăng ký kết hôn", detailed: true),
    ])

    @Test("the three spellings of a query find the same procedure first", arguments: [
        "dang ky khai sinh", "Đăng ký khai sinh", "đăng kí khai sinh",
    ])
    func spellings(query: String) {
        #expect(index.search(query).first?.entry.id == "khai-sinh")
    }

    @Test("aliases, codes and partial words find procedures")
    func aliases() {
        #expect(index.search("nhap ho khau").first?.entry.id == "thuong-tru")
        #expect(index.search("báo tử cho bố").first?.entry.id == "khai-tu")
        #expect(index.search("1.000656").first?.entry.id == "khai-tu")
        #expect(index.search("thuong tr").first?.entry.id == "thuong-tru")
    }

    @Test("a full checklist ranks above a catalogue line of similar relevance")
    func detailedFirst() {
        let ids = index.search("khai sinh").map(\.entry.id)
        #expect(ids.prefix(2) == ["khai-sinh", "ks-catalogue"])
    }

    @Test("a query with nothing in common finds nothing")
    func noMatch() {
        #expect(index.search("xe máy điện").isEmpty)
        #expect(index.search("   ").isEmpty)
    }
}

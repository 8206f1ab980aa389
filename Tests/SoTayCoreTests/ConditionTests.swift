import Testing
@testable import SoTayCore

@Suite("Conditions decide which steps apply")
struct ConditionTests {
    let answers: Answers = [
        "noi_sinh": .choice("tai_nha"),
        "dung_han": .bool(false),
        "so_con": .integer(2),
        "giay_to": .choices(["a", "c"]),
        "ghi_chu": .skipped,
    ]

    @Test("equals compares with the answer's own type")
    func equals() {
        #expect(Condition.equals(question: "noi_sinh", value: .string("tai_nha")).holds(for: answers))
        #expect(!Condition.equals(question: "noi_sinh", value: .string("co_so_y_te")).holds(for: answers))
        #expect(Condition.equals(question: "dung_han", value: .bool(false)).holds(for: answers))
        #expect(!Condition.equals(question: "dung_han", value: .string("false")).holds(for: answers), "a string is not a boolean")
        #expect(Condition.equals(question: "so_con", value: .integer(2)).holds(for: answers))
    }

    @Test("in holds when the answer is one of the values; for multiple choice, when any is ticked")
    func isIn() {
        #expect(Condition.isIn(question: "noi_sinh", values: [.string("khac"), .string("tai_nha")]).holds(for: answers))
        #expect(!Condition.isIn(question: "noi_sinh", values: [.string("khac")]).holds(for: answers))
        #expect(Condition.isIn(question: "giay_to", values: [.string("b"), .string("c")]).holds(for: answers))
        #expect(Condition.equals(question: "giay_to", value: .string("a")).holds(for: answers))
        #expect(!Condition.equals(question: "giay_to", value: .string("b")).holds(for: answers))
    }

    @Test("answered is false for a missing or skipped answer")
    func answered() {
        #expect(Condition.answered(question: "noi_sinh").holds(for: answers))
        #expect(!Condition.answered(question: "ghi_chu").holds(for: answers))
        #expect(!Condition.answered(question: "khong_co").holds(for: answers))
    }

    @Test("a condition on an unanswered question does not hold, and its negation does")
    func unanswered() {
        let condition = Condition.equals(question: "chua_hoi", value: .bool(true))
        #expect(!condition.holds(for: answers))
        #expect(Condition.not(condition).holds(for: answers))
    }

    @Test("all, any and not combine")
    func combinations() {
        let late = Condition.equals(question: "dung_han", value: .bool(false))
        let atHome = Condition.equals(question: "noi_sinh", value: .string("tai_nha"))
        let hospital = Condition.equals(question: "noi_sinh", value: .string("co_so_y_te"))
        #expect(Condition.all([late, atHome]).holds(for: answers))
        #expect(!Condition.all([late, hospital]).holds(for: answers))
        #expect(Condition.any([hospital, late]).holds(for: answers))
        #expect(!Condition.any([hospital, .not(late)]).holds(for: answers))
        #expect(Condition.all([]).holds(for: answers), "an empty all holds, as in logic")
        #expect(Condition.all([late, .any([hospital, atHome])]).questionIDs == ["dung_han", "noi_sinh", "noi_sinh"])
    }
}

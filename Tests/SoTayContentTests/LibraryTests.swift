import Foundation
import Testing
@testable import SoTayContent
@testable import SoTayCore

/// The bundled library: what ships inside the binary.
@Suite("The bundled procedure library")
struct LibraryTests {
    let pack: ContentPack

    init() throws {
        pack = try ContentPack.bundled(checkNFC: true)
    }

    @Test("it loads without a single problem, with the foundation's three procedures")
    func loads() {
        let ids = Set(pack.procedures.map(\.id))
        #expect(ids.isSuperset(of: ["lien-thong-khai-sinh", "dang-ky-thuong-tru", "ly-lich-tu-phap"]))
    }

    @Test("every procedure states its source with a checked date, its fee, its authority and what to bring")
    func everyProcedureIsSourced() {
        for procedure in pack.procedures {
            #expect(!procedure.sources.isEmpty, "\(procedure.id) has no source")
            #expect(procedure.oldestCheck != nil, "\(procedure.id) has no checked date")
            #expect(!procedure.fee.text.vi.isEmpty, "\(procedure.id) has no fee statement")
            #expect(!procedure.authority.vi.isEmpty, "\(procedure.id) has no authority")
            #expect(procedure.steps.contains { if case .document = $0.kind { true } else { false } }, "\(procedure.id) lists no paper")
            #expect(procedure.steps.contains { $0.question != nil }, "\(procedure.id) asks nothing")
        }
    }

    @Test("filing with the police names the police: residence, criminal record, driving licence, VNeID level 2")
    func policePlaces() throws {
        for id in ["dang-ky-thuong-tru", "dang-ky-tam-tru", "thong-bao-luu-tru", "tai-khoan-dinh-danh-muc-2", "ly-lich-tu-phap", "doi-giay-phep-lai-xe"] {
            let procedure = try #require(pack.procedure(id))
            #expect(procedure.place(.counter).vi.contains("Công an"), "\(id): \(procedure.place(.counter).vi)")
        }
        let business = try #require(pack.procedure("thanh-lap-ho-kinh-doanh"))
        #expect(business.place(.portal).vi.contains("đăng ký hộ kinh doanh"))
    }

    @Test("every text is in NFC")
    func nfc() {
        for file in BundledContentFiles.files {
            let composed = file.text.precomposedStringWithCanonicalMapping
            #expect(file.text.unicodeScalars.elementsEqual(composed.unicodeScalars), "\(file.path) is not NFC")
        }
    }

    @Test("every procedure walks to its summary on 64 seeded random answer paths, and at least two different paths list papers to bring")
    func walks() throws {
        var random = SeededRandom(seed: 20261124)
        for procedure in pack.procedures {
            var withPapers: [ChecklistStatus] = []
            for _ in 0..<64 {
                let status = walk(procedure, random: &random)
                #expect(status.unansweredRequired.isEmpty, "\(procedure.id): left unanswered \(status.unansweredRequired.map(\.id))")
                let papers = status.documentsHave + status.documentsMissing + status.documentsOptionalMissing
                if !papers.isEmpty && !withPapers.contains(status) { withPapers.append(status) }
            }
            #expect(withPapers.count >= 2, "\(procedure.id): fewer than two answer paths end with papers to bring")
        }
    }

    /// Answers every question the walk asks with a valid, randomly chosen answer.
    private func walk(_ procedure: Procedure, random: inout SeededRandom) -> ChecklistStatus {
        let today = CalendarDate(year: 2026, month: 11, day: 24)!
        var session = ChecklistSession(procedure: procedure, residentIntake: true, today: today)
        var transition = session.start()
        var guardrail = 0
        while case .ask(let step, _) = transition.next, guardrail < 500 {
            guardrail += 1
            transition = session.handle(.answer(answer(for: step, random: &random)))
            if case .reask(let again, let reason) = transition.next {
                Issue.record("\(procedure.id): \(again.id) refused a generated answer: \(reason.message(.en))")
                return session.status
            }
        }
        return session.status
    }

    private func answer(for step: Step, random: inout SeededRandom) -> AnswerInput {
        guard let question = step.question else { return .bool(Bool.random(using: &random)) }
        switch question.type {
        case .text: return .text("Nguyễn Thị Hoa")
        case .yesNo: return .bool(Bool.random(using: &random))
        case .singleChoice: return .text(String(Int.random(in: 1...question.choices.count, using: &random)))
        case .multipleChoice:
            let picked = (1...question.choices.count).filter { _ in Bool.random(using: &random) }
            return .text((picked.isEmpty ? [1] : picked).map(String.init).joined(separator: ","))
        case .date: return .text("15/03/2020")
        case .cccd: return .text("001320012345")
        case .phone: return .text("0912345678")
        case .integer:
            let low = question.minimum ?? 0
            return .number(Int.random(in: low...(question.maximum ?? low + 5), using: &random))
        }
    }
}

/// SplitMix64: the same paths on every run and every machine.
struct SeededRandom: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

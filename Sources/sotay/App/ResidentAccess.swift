import Foundation
import SoTayCore
import SoTayStore

/// Residents' data for a session where a resident may be waiting (the home menu, a guided walk):
/// the passphrase is set or asked for when first needed, and kept for the rest of the session.
/// Nothing here ends the program: when the data cannot be opened, one line says so and the
/// caller goes back to where it was.
final class ResidentAccess {
    private(set) var store: Store
    let render: Render

    init(store: Store, render: Render) {
        self.store = store
        self.render = render
    }

    /// First start (or an upgrade from a version without one): sets the passphrase, in the same
    /// flow as the profile. On a failure, says that it will be asked again when needed.
    func setUpIfMissing() {
        do {
            guard try !store.hasPassphrase() else { return }
            store = try PassphraseSetup.ensure(store, render: render)
        } catch {
            explain(error, then: render.t("Sổ Tay sẽ hỏi lại khi cần lưu thông tin người dân.", "Sổ Tay asks again when residents' data is to be saved."))
        }
    }

    /// Asked once at the start of a session; Enter or Ctrl-D skips (names stay hidden).
    func unlockIfWanted() {
        do {
            if let opened = try Passphrase.verified(store, need: .optional, render: render) { store = opened.store }
        } catch {
            explain(error, then: render.t("Tên người dân được ẩn; Sổ Tay hỏi lại khi cần.", "Residents' names stay hidden; Sổ Tay asks again when needed."))
        }
    }

    /// The store opened for residents' data, or `nil` after one line saying why.
    func open() -> Store? {
        if store.isUnlocked { return store }
        do {
            if try !store.hasPassphrase() {
                store = try PassphraseSetup.ensure(store, render: render)
            } else if let opened = try Passphrase.verified(store, need: .required, render: render) {
                store = opened.store
            }
        } catch {
            explain(error, then: render.t("Quay lại.", "Going back."))
            return nil
        }
        return store.isUnlocked ? store : nil
    }

    private func explain(_ error: any Error, then next: String) {
        let message = (error as? any LocalizedMessage)?.message(render.language)
            ?? render.t("Không mở được dữ liệu người dân.", "Residents' data could not be opened.")
        Output.line("  ✗ " + message + " " + next)
    }
}

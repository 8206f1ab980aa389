import CKeyring
import Foundation

/// Keeps an unlocked store's key between commands in Linux's kernel keyring (keyrings(7)), so
/// a volunteer types the passphrase once for a stretch of work, not once per command, and the
/// 128 MiB and fraction of a second scrypt costs is paid once too.
///
/// - The key lives in the user's keyring, in the kernel's memory: never on the disk, never in
///   swap, readable only by processes of the same user, gone at reboot.
/// - It expires `minutes` after the last command that used it (each use sets the timeout again),
///   and `sotay lock` drops it at once.
/// - What is kept is the key scrypt made of the passphrase: it opens the store only through the
///   authenticated unwrap of its data key, and a changed passphrase leaves it opening nothing.
///
/// Anything the kernel refuses (another system, a container whose seccomp filter forbids
/// `add_key`) keeps nothing, and every command asks for the passphrase as before.
public enum SessionKeyring {
    /// How long a key is kept after its last use, unless the volunteer set otherwise.
    public static let defaultMinutes = 15
    /// The longest a volunteer may choose: a working day.
    public static let maximumMinutes = 600

    /// Keeps `key` under `name` for `minutes`; whether the kernel took it.
    @discardableResult
    public static func remember(_ key: Data, name: String, minutes: Int) -> Bool {
        guard minutes > 0 else { return false }
        return remember(key, name: name, seconds: seconds(minutes))
    }

    /// Keeps `key` for `seconds` (the tests watch the kernel drop it).
    static func remember(_ key: Data, name: String, seconds: UInt32) -> Bool {
        key.withUnsafeBytes { bytes in sotay_keyring_add(name, bytes.baseAddress, bytes.count, seconds) >= 0 }
    }

    /// The key kept under `name`, kept `minutes` more from now; `nil` when there is none.
    public static func recall(name: String, minutes: Int) -> Data? {
        let serial = sotay_keyring_find(name)
        guard serial >= 0 else { return nil }
        var buffer = [UInt8](repeating: 0, count: 64)
        let length = sotay_keyring_read(serial, &buffer, buffer.count)
        defer { for index in buffer.indices { buffer[index] = 0 } }
        guard length > 0, length <= buffer.count else { return nil }
        _ = sotay_keyring_set_timeout(serial, seconds(minutes))
        return Data(buffer[0..<length])
    }

    /// Drops the key kept under `name`; whether there was one.
    @discardableResult
    public static func forget(name: String) -> Bool {
        let serial = sotay_keyring_find(name)
        guard serial >= 0 else { return false }
        return sotay_keyring_invalidate(serial) >= 0
    }

    private static func seconds(_ minutes: Int) -> UInt32 {
        UInt32(min(max(minutes, 1), maximumMinutes) * 60)
    }
}

import Crypto
import Foundation
import SoTayWire

/// How the console keeps officers signed in.
public struct ConsoleSettings: Sendable {
    /// A session unused this long is over.
    public var idleLifetime: TimeInterval
    /// A session is over this long after sign-in, used or not.
    public var absoluteLifetime: TimeInterval
    /// The clock sessions are timed by (tests move it forward).
    public var clock: @Sendable () -> Date

    public init(idleLifetime: TimeInterval = 30 * 60, absoluteLifetime: TimeInterval = 10 * 3600, clock: @escaping @Sendable () -> Date = { Date() }) {
        self.idleLifetime = idleLifetime
        self.absoluteLifetime = absoluteLifetime
        self.clock = clock
    }
}

extension ConsoleSettings {
    var lifetimes: ConsoleLifetimes { ConsoleLifetimes(idle: idleLifetime, absolute: absoluteLifetime) }
}

/// The console's cookies. The session cookie holds 256 random bits; a store keeps only their
/// SHA-256 (`key`), so its sessions cannot be replayed from a memory or database dump.
enum ConsoleSessions {
    static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
    }

    /// What a store keeps a session under.
    static func key(_ cookie: String) -> String {
        Hashes.sha256Hex(Data(cookie.utf8))
    }
}

/// The SQLite hub's console sessions, in the process's memory (one `serve` process per
/// SQLite hub): a restart signs everyone out, which is the safe direction.
actor ConsoleSessionTable {
    private var sessions: [String: ConsoleSession] = [:]

    func open(key: String, _ session: ConsoleSession, lifetimes: ConsoleLifetimes) {
        prune(now: session.createdAt, lifetimes: lifetimes)
        sessions[key] = session
    }

    /// The live session, its idle timer restarted; nil (and gone) when expired.
    func session(key: String, now: Date, lifetimes: ConsoleLifetimes) -> ConsoleSession? {
        guard var session = sessions[key] else { return nil }
        guard lifetimes.allows(session, at: now) else {
            sessions[key] = nil
            return nil
        }
        session.lastUsedAt = now
        sessions[key] = session
        return session
    }

    func close(key: String) {
        sessions[key] = nil
    }

    func closeAll(staffID: String) {
        sessions = sessions.filter { $0.value.staffID != staffID }
    }

    private func prune(now: Date, lifetimes: ConsoleLifetimes) {
        guard sessions.count > 1000 else { return }
        sessions = sessions.filter { lifetimes.allows($0.value, at: now) }
    }
}

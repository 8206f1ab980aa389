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

/// The console's signed-in officers and admins, in memory: a hub restart signs everyone out,
/// which is the safe direction. The cookie holds 256 random bits; only their SHA-256 is kept,
/// so the table cannot be replayed from a memory dump.
actor ConsoleSessions {
    struct Session: Sendable {
        var staffID: String
        /// The token every form of this session carries (synchronizer-token CSRF defence).
        var csrf: String
        var createdAt: Date
        var lastUsedAt: Date
    }

    private let settings: ConsoleSettings
    private var sessions: [String: Session] = [:]

    init(settings: ConsoleSettings) {
        self.settings = settings
    }

    /// A new session for the staff member; returns the cookie's value.
    func open(staffID: String) -> (cookie: String, session: Session) {
        let now = settings.clock()
        prune(now: now)
        let cookie = Self.randomToken()
        let session = Session(staffID: staffID, csrf: Self.randomToken(), createdAt: now, lastUsedAt: now)
        sessions[Self.key(cookie)] = session
        return (cookie, session)
    }

    /// The live session for a cookie, its idle timer restarted; nil when unknown or expired.
    func session(_ cookie: String) -> Session? {
        let now = settings.clock()
        let key = Self.key(cookie)
        guard var session = sessions[key] else { return nil }
        guard now.timeIntervalSince(session.lastUsedAt) < settings.idleLifetime,
              now.timeIntervalSince(session.createdAt) < settings.absoluteLifetime else {
            sessions[key] = nil
            return nil
        }
        session.lastUsedAt = now
        sessions[key] = session
        return session
    }

    func close(_ cookie: String) {
        sessions[Self.key(cookie)] = nil
    }

    /// Ends every session of a staff member (their token was revoked).
    func closeAll(staffID: String) {
        sessions = sessions.filter { $0.value.staffID != staffID }
    }

    private func prune(now: Date) {
        guard sessions.count > 1000 else { return }
        sessions = sessions.filter {
            now.timeIntervalSince($0.value.lastUsedAt) < settings.idleLifetime && now.timeIntervalSince($0.value.createdAt) < settings.absoluteLifetime
        }
    }

    static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
    }

    static func key(_ cookie: String) -> String {
        Hashes.sha256Hex(Data(cookie.utf8))
    }
}

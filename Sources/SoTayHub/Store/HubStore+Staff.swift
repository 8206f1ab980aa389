import Foundation
import GRDB
import SoTayWire

/// Whose a valid token is.
public enum TokenHolder: Sendable {
    case device(HubDevice)
    case staff(HubStaff)

    public var role: HubRole {
        switch self {
        case .device: .device
        case .staff(let staff): staff.role
        }
    }
}

/// Officers' and admins' tokens, and finding the holder of any token.
extension HubStore {
    /// A new officer or admin. The token is returned once and only its hash is kept.
    public func addStaff(role: HubRole, name: String, now: Date = Date()) throws(HubError) -> (staff: HubStaff, token: String) {
        guard role != .device else { throw .unexpected("a device is enrolled, not added") }
        guard role != .province else { throw .provinceNeedsPostgres }
        guard Identifiers.isName(name) else { throw .invalidText(field: "name") }
        let id = BearerToken.newID(BearerToken.kind(of: role))
        let token = BearerToken.make(id: id)
        let staff = HubStaff(id: id, role: role, name: name.trimmingCharacters(in: .whitespacesAndNewlines).precomposedStringWithCanonicalMapping,
                             tokenHash: Secrets.hash(token), createdAt: now, revokedAt: nil)
        try write { db in try staff.insert(db) }
        return (staff, token)
    }

    /// Officers or admins, oldest first, revoked ones included.
    public func staff(role: HubRole) throws(HubError) -> [HubStaff] {
        try read { db in
            try HubStaff.filter(HubStaff.Columns.role == role.rawValue).order(HubStaff.Columns.createdAt).fetchAll(db)
        }
    }

    /// Revokes an officer's or admin's token at once; the row stays, so the audit log keeps a name.
    public func revokeStaff(_ id: String, role: HubRole, now: Date = Date()) throws(HubError) -> HubStaff {
        try write { db in
            guard var staff = try HubStaff.fetchOne(db, key: id.trimmingCharacters(in: .whitespaces).lowercased()), staff.role == role else {
                throw HubError.staffNotFound(id, role: role)
            }
            if staff.revokedAt == nil {
                staff.revokedAt = now
                try staff.update(db)
            }
            return staff
        }
    }

    /// The active holder of a token, or nil. The row is found by the token's public id (by its
    /// hash for a device token from before version 4), and the stored hash is compared with
    /// the token's in constant time.
    public func holder(of token: BearerToken) async throws -> TokenHolder? {
        guard let kind = token.kind else { return nil }
        let hash = token.hash
        return try await writer.read { db -> TokenHolder? in
            switch kind {
            case .device:
                let device: HubDevice?
                if let id = token.id {
                    // Every request of every laptop comes here: a statement prepared once per connection.
                    device = try HubDevice.fetchOne(db.cachedStatement(sql: "SELECT * FROM device WHERE id = ?"), arguments: [id])
                } else {
                    device = try HubDevice.filter(HubDevice.Columns.tokenHash == hash).fetchOne(db)
                }
                guard let device, token.matches(storedHash: device.tokenHash), device.revokedAt == nil else { return nil }
                return .device(device)
            case .officer, .admin:
                guard let id = token.id, let staff = try HubStaff.fetchOne(db, key: id), token.matches(storedHash: staff.tokenHash),
                      staff.revokedAt == nil, staff.role == BearerToken.role(of: kind)
                else { return nil }
                return .staff(staff)
            case .province:
                // A SQLite hub is one commune: there is no province to read.
                return nil
            }
        }
    }
}

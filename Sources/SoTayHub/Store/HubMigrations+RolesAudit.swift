import GRDB

extension HubMigrations {
    /// Officers' and admins' tokens, and the append-only audit log of personal-data reads.
    static func registerRolesAudit(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v4-roles-audit") { db in
            try db.execute(sql: """
                -- People at the commune office with a bearer token of their own. The id is the
                -- token's public part (off-… for an officer, adm-… for an admin); the token is
                -- kept only as the SHA-256 of its whole text.
                CREATE TABLE staff (
                    id TEXT PRIMARY KEY,
                    role TEXT NOT NULL CHECK (role IN ('officer', 'admin')),
                    name TEXT NOT NULL,
                    tokenHash TEXT NOT NULL,
                    createdAt DATETIME NOT NULL,
                    revokedAt DATETIME
                ) WITHOUT ROWID;

                -- Every read or export of a resident's personal data, by anyone: who, when, what,
                -- from where. Rows are only ever added; the triggers refuse to change or remove one.
                CREATE TABLE auditEntry (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    at DATETIME NOT NULL,
                    actorRole TEXT NOT NULL,
                    actorId TEXT NOT NULL,
                    actorName TEXT NOT NULL,
                    action TEXT NOT NULL,
                    dossierId TEXT,
                    blobSHA256 TEXT,
                    clientAddress TEXT
                );
                CREATE INDEX auditEntry_on_at ON auditEntry(at);
                CREATE INDEX auditEntry_on_dossierId ON auditEntry(dossierId) WHERE dossierId IS NOT NULL;
                CREATE TRIGGER auditEntry_refuses_update BEFORE UPDATE ON auditEntry
                BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
                CREATE TRIGGER auditEntry_refuses_delete BEFORE DELETE ON auditEntry
                BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
                -- INSERT OR REPLACE deletes the old row without firing delete triggers.
                CREATE TRIGGER auditEntry_refuses_replace BEFORE INSERT ON auditEntry
                WHEN NEW.id IS NOT NULL AND EXISTS (SELECT 1 FROM auditEntry WHERE id = NEW.id)
                BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
                """)
        }
    }
}

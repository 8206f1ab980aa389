import GRDB

/// The store's schema, one named migration at a time. A landed migration is never edited:
/// a change is a new migration.
enum Migrations {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-initial") { db in
            // The volunteer who logs the work: one row.
            try db.execute(sql: """
                CREATE TABLE volunteer (
                    id INTEGER PRIMARY KEY CHECK (id = 1),
                    name TEXT NOT NULL,
                    phone TEXT,
                    village TEXT NOT NULL,
                    commune TEXT NOT NULL,
                    province TEXT NOT NULL,
                    updatedAt DATETIME NOT NULL
                );

                -- A resident: metadata only. Who they are lives in residentPersonal.
                CREATE TABLE resident (
                    id TEXT PRIMARY KEY,
                    createdAt DATETIME NOT NULL
                );

                -- Personal data, kept apart so that it can be sealed and purged while reports
                -- keep working on the metadata.
                CREATE TABLE residentPersonal (
                    residentId TEXT PRIMARY KEY REFERENCES resident(id) ON DELETE CASCADE,
                    fullName TEXT,
                    phone TEXT,
                    phoneSkipped BOOLEAN NOT NULL DEFAULT 0,
                    updatedAt DATETIME NOT NULL
                );

                CREATE TABLE dossier (
                    id TEXT PRIMARY KEY,
                    residentId TEXT NOT NULL REFERENCES resident(id),
                    procedureId TEXT NOT NULL,
                    packVersion TEXT NOT NULL,
                    status TEXT NOT NULL DEFAULT 'draft',
                    intake BOOLEAN NOT NULL,
                    village TEXT NOT NULL,
                    commune TEXT NOT NULL,
                    requiredCount INTEGER NOT NULL DEFAULT 0,
                    satisfiedCount INTEGER NOT NULL DEFAULT 0,
                    walkFinishedAt DATETIME,
                    createdAt DATETIME NOT NULL,
                    updatedAt DATETIME NOT NULL
                );
                CREATE INDEX dossier_on_updatedAt ON dossier(updatedAt);
                CREATE INDEX dossier_on_residentId ON dossier(residentId);

                -- The resident's answers: personal data.
                CREATE TABLE dossierAnswer (
                    dossierId TEXT NOT NULL REFERENCES dossier(id) ON DELETE CASCADE,
                    stepId TEXT NOT NULL,
                    value TEXT NOT NULL,
                    answeredAt DATETIME NOT NULL,
                    PRIMARY KEY (dossierId, stepId)
                ) WITHOUT ROWID;

                -- Which papers the resident has: metadata (no content of the papers).
                CREATE TABLE dossierDocument (
                    dossierId TEXT NOT NULL REFERENCES dossier(id) ON DELETE CASCADE,
                    documentId TEXT NOT NULL,
                    have BOOLEAN,
                    updatedAt DATETIME NOT NULL,
                    PRIMARY KEY (dossierId, documentId)
                ) WITHOUT ROWID;
                """)
        }
        migrator.registerMigration("v2-sync") { db in
            try db.execute(sql: """
                -- revision: the latest revision marked ready; sentRevision: the latest the hub
                -- confirmed. The hub's status and the officer's reason come down the change feed.
                ALTER TABLE dossier ADD COLUMN revision INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE dossier ADD COLUMN readyAt DATETIME;
                ALTER TABLE dossier ADD COLUMN sentRevision INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE dossier ADD COLUMN hubStatus TEXT;
                ALTER TABLE dossier ADD COLUMN hubReason TEXT;
                ALTER TABLE dossier ADD COLUMN portalCode TEXT;
                ALTER TABLE dossier ADD COLUMN hubStatusAt DATETIME;

                -- Everything meant for the hub, written in the same transaction as the change.
                -- A dossier's payload is frozen when it is marked ready, so that a resend after a
                -- crash is byte for byte the same request. Rows go once the hub confirms.
                CREATE TABLE outbox (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    kind TEXT NOT NULL,
                    itemId TEXT NOT NULL,
                    revision INTEGER NOT NULL DEFAULT 0,
                    payload BLOB,
                    createdAt DATETIME NOT NULL,
                    attempts INTEGER NOT NULL DEFAULT 0,
                    lastError TEXT,
                    parkedAt DATETIME,
                    parkedReason TEXT,
                    UNIQUE (kind, itemId, revision)
                );

                -- The hub's signed receipts, one per revision it accepted.
                CREATE TABLE receipt (
                    dossierId TEXT NOT NULL REFERENCES dossier(id) ON DELETE CASCADE,
                    revision INTEGER NOT NULL,
                    kind TEXT NOT NULL,
                    volunteerId TEXT NOT NULL,
                    contentSHA256 TEXT NOT NULL,
                    receivedAt TEXT NOT NULL, -- the exact text the hub signed
                    hubKeyId TEXT NOT NULL,
                    signature TEXT NOT NULL,
                    PRIMARY KEY (dossierId, revision)
                ) WITHOUT ROWID;

                -- The commune hub this laptop is enrolled with: one row. The token is a secret.
                CREATE TABLE hubLink (
                    id INTEGER PRIMARY KEY CHECK (id = 1),
                    url TEXT NOT NULL,
                    allowInsecure BOOLEAN NOT NULL DEFAULT 0,
                    deviceId TEXT NOT NULL,
                    token TEXT NOT NULL,
                    hubKey TEXT NOT NULL,
                    volunteerId TEXT NOT NULL,
                    enrolledAt DATETIME NOT NULL,
                    cursor TEXT NOT NULL DEFAULT '0',
                    lastSyncAt DATETIME,
                    lastAttemptAt DATETIME,
                    lastError TEXT,
                    lastPulledCount INTEGER NOT NULL DEFAULT 0
                );

                -- Unique by text and time: a feed replayed after enrolling again adds nothing.
                CREATE TABLE announcement (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    message TEXT NOT NULL,
                    at DATETIME NOT NULL,
                    receivedAt DATETIME NOT NULL,
                    UNIQUE (message, at)
                );

                -- The outreach activity log: append-only, synced as activities.
                CREATE TABLE activity (
                    id TEXT PRIMARY KEY,
                    kind TEXT NOT NULL,
                    occurredAt DATETIME NOT NULL,
                    village TEXT NOT NULL,
                    residentId TEXT,
                    procedureId TEXT,
                    dossierId TEXT,
                    outcome TEXT,
                    topic TEXT,
                    participants INTEGER,
                    satisfaction INTEGER,
                    notes TEXT,
                    createdAt DATETIME NOT NULL
                );
                CREATE INDEX activity_on_occurredAt ON activity(occurredAt);
                """)
        }
        migrator.registerMigration("v3-attachments") { db in
            try db.execute(sql: """
                -- A photo or scan linked to a dossier and, when known, to the paper it shows.
                -- The bytes live once in the blob folder under their SHA-256; the name the file
                -- had on disk is only a label.
                CREATE TABLE attachment (
                    id TEXT PRIMARY KEY,
                    dossierId TEXT NOT NULL REFERENCES dossier(id) ON DELETE CASCADE,
                    documentId TEXT,
                    sha256 TEXT NOT NULL,
                    size INTEGER NOT NULL,
                    mediaType TEXT NOT NULL,
                    label TEXT NOT NULL,
                    addedAt DATETIME NOT NULL,
                    UNIQUE (dossierId, sha256)
                );
                CREATE INDEX attachment_on_sha256 ON attachment(sha256);

                -- Where the upload of each blob stands: the tus upload's address on the hub (so a
                -- later run resumes it), the last offset the hub reported, and when the hub
                -- confirmed the whole blob.
                CREATE TABLE blobUpload (
                    sha256 TEXT PRIMARY KEY,
                    uploadURL TEXT,
                    offset INTEGER NOT NULL DEFAULT 0,
                    updatedAt DATETIME NOT NULL,
                    uploadedAt DATETIME
                ) WITHOUT ROWID;

                -- The volunteer's settings that are not part of the profile.
                CREATE TABLE setting (
                    key TEXT PRIMARY KEY,
                    value TEXT NOT NULL
                ) WITHOUT ROWID;
                """)
        }
        migrator.registerMigration("v4-activity-details") { db in
            try db.execute(sql: """
                -- What the monthly report counts: why a guided procedure could not be filed yet,
                -- how its fee was paid, where a message went out, whether the resident lives in
                -- another commune (phi địa giới). An entry is never deleted once written: "undo"
                -- marks it and queues an undo entry (retracts = its id) for the hub.
                ALTER TABLE activity ADD COLUMN reason TEXT;
                ALTER TABLE activity ADD COLUMN payment TEXT;
                ALTER TABLE activity ADD COLUMN channel TEXT;
                ALTER TABLE activity ADD COLUMN outsideCommune INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE activity ADD COLUMN retracts TEXT;
                ALTER TABLE activity ADD COLUMN undoneAt DATETIME;
                CREATE INDEX activity_on_dossierId ON activity(dossierId) WHERE dossierId IS NOT NULL;
                -- Every column a report reads, ordered by time: a month's report reads one range
                -- of this index and never looks a row up.
                DROP INDEX activity_on_occurredAt;
                CREATE INDEX activity_report ON activity(occurredAt, kind, village, procedureId, residentId, outcome, reason, payment,
                                                         outsideCommune, participants, satisfaction, undoneAt);
                """)
        }
        migrator.registerMigration("v5-status-indexes") { db in
            try db.execute(sql: """
                -- The status line of the home menu and `sotay status` counts what waits to be
                -- sent and lists what was refused or needs a supplement. Without these, each
                -- count read the whole outbox: a third of a second once months of activities
                -- waited there. Partial indexes hold only the rows those questions ask about.
                CREATE INDEX outbox_waiting ON outbox(kind) WHERE parkedAt IS NULL;
                CREATE INDEX outbox_parked ON outbox(id) WHERE parkedAt IS NOT NULL;
                CREATE INDEX dossier_needs_supplement ON dossier(hubStatusAt) WHERE hubStatus = 'needs-supplement';
                """)
        }
        migrator.registerMigration("v6-privacy") { db in
            try db.execute(sql: """
                -- The data key, wrapped by a key derived from the volunteer's passphrase (scrypt
                -- with these parameters and salt). One row; none until a passphrase is set.
                -- Personal values elsewhere are BLOBs sealed under the data key (AES-GCM).
                CREATE TABLE keyring (
                    id INTEGER PRIMARY KEY CHECK (id = 1),
                    kdf TEXT NOT NULL,
                    logN INTEGER NOT NULL,
                    r INTEGER NOT NULL,
                    p INTEGER NOT NULL,
                    salt BLOB NOT NULL,
                    wrappedKey BLOB NOT NULL,
                    createdAt DATETIME NOT NULL,
                    changedAt DATETIME NOT NULL
                );

                -- The resident's yes to the consent text, before anything personal is saved:
                -- which text (its version), when, and which volunteer asked. Kept after a purge,
                -- as the record that the data was collected with consent.
                CREATE TABLE consent (
                    residentId TEXT NOT NULL,
                    textVersion TEXT NOT NULL,
                    givenAt DATETIME NOT NULL,
                    volunteer TEXT NOT NULL,
                    PRIMARY KEY (residentId, textVersion)
                ) WITHOUT ROWID;

                -- When the retention purge erased the dossier's personal data (answers, name,
                -- photos); its metadata stays for the reports.
                ALTER TABLE dossier ADD COLUMN personalPurgedAt DATETIME;
                """)
        }
        migrator.registerMigration("v7-sealed-notes") { db in
            try db.execute(sql: """
                -- A log entry's note is the volunteer's free text about a resident: sealed like
                -- names (AES-GCM under the data key, bound to the entry's id) in sealedNotes.
                -- notes keeps only what was written in clear before this version, or while the
                -- store has no passphrase; it is sealed (moved) when the passphrase is set or at
                -- the first unlock after the upgrade.
                ALTER TABLE activity ADD COLUMN sealedNotes BLOB;
                -- The notes still in clear: found at each unlock without reading the table.
                CREATE INDEX activity_clear_notes ON activity(id) WHERE notes IS NOT NULL;
                -- The entries with a note: held back from a sync without the passphrase.
                CREATE INDEX activity_with_notes ON activity(id) WHERE sealedNotes IS NOT NULL OR notes IS NOT NULL;
                """)
        }
        migrator.registerMigration("v8-relay-key") { db in
            // The hub's X25519 relay key, learnt at enrolment or at the next sync: what
            // `sotay relay export` seals to when there is no link.
            try db.execute(sql: "ALTER TABLE hubLink ADD COLUMN relayKey TEXT")
        }
        Store.registerPhotoOriginals(&migrator)
        return migrator
    }
}

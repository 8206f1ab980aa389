import GRDB

/// The hub's schema. A landed migration is never edited: a change is a new migration.
enum HubMigrations {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-hub") { db in
            try db.execute(sql: """
                CREATE TABLE volunteer (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    name TEXT NOT NULL,
                    village TEXT NOT NULL,
                    commune TEXT NOT NULL,
                    createdAt DATETIME NOT NULL
                );

                -- One-time enrolment codes, kept only as hashes.
                CREATE TABLE enrollCode (
                    codeHash TEXT PRIMARY KEY,
                    volunteerId INTEGER NOT NULL REFERENCES volunteer(id),
                    createdAt DATETIME NOT NULL,
                    expiresAt DATETIME NOT NULL,
                    usedAt DATETIME,
                    deviceId TEXT
                ) WITHOUT ROWID;

                -- Enrolled laptops. The bearer token is kept only as its SHA-256.
                CREATE TABLE device (
                    id TEXT PRIMARY KEY,
                    volunteerId INTEGER NOT NULL REFERENCES volunteer(id),
                    name TEXT NOT NULL,
                    tokenHash TEXT NOT NULL UNIQUE,
                    enrolledAt DATETIME NOT NULL,
                    revokedAt DATETIME,
                    lastSeenAt DATETIME
                ) WITHOUT ROWID;

                -- A dossier as the commune sees it: the hub owns the status.
                CREATE TABLE dossier (
                    id TEXT PRIMARY KEY,
                    volunteerId INTEGER NOT NULL REFERENCES volunteer(id),
                    procedureId TEXT NOT NULL,
                    village TEXT NOT NULL,
                    commune TEXT NOT NULL,
                    residentName TEXT,
                    status TEXT NOT NULL,
                    reason TEXT,
                    portalCode TEXT,
                    latestRevision INTEGER NOT NULL,
                    receivedAt DATETIME NOT NULL,
                    updatedAt DATETIME NOT NULL
                ) WITHOUT ROWID;
                CREATE INDEX dossier_on_volunteerId ON dossier(volunteerId);
                CREATE INDEX dossier_on_status ON dossier(status, updatedAt);

                -- Every revision ever received, exactly as it arrived: supplements sit beside
                -- the original, nothing is overwritten.
                CREATE TABLE dossierRevision (
                    dossierId TEXT NOT NULL REFERENCES dossier(id),
                    revision INTEGER NOT NULL,
                    kind TEXT NOT NULL,
                    deviceId TEXT NOT NULL,
                    contentSHA256 TEXT NOT NULL,
                    body TEXT NOT NULL,
                    receivedAt TEXT NOT NULL, -- the exact text signed in the receipt
                    signature TEXT NOT NULL,
                    PRIMARY KEY (dossierId, revision)
                ) WITHOUT ROWID;

                CREATE TABLE activity (
                    id TEXT PRIMARY KEY,
                    volunteerId INTEGER NOT NULL REFERENCES volunteer(id),
                    deviceId TEXT NOT NULL,
                    kind TEXT NOT NULL,
                    occurredAt DATETIME NOT NULL,
                    village TEXT NOT NULL,
                    procedureId TEXT,
                    body TEXT NOT NULL,
                    receivedAt DATETIME NOT NULL
                ) WITHOUT ROWID;
                CREATE INDEX activity_on_occurredAt ON activity(occurredAt);

                -- The change feed: status changes for one volunteer, announcements for all
                -- (volunteerId NULL). seq is the cursor.
                CREATE TABLE change (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    volunteerId INTEGER REFERENCES volunteer(id),
                    kind TEXT NOT NULL,
                    dossierId TEXT,
                    status TEXT,
                    reason TEXT,
                    portalCode TEXT,
                    message TEXT,
                    at DATETIME NOT NULL
                );
                """)
        }
        migrator.registerMigration("v2-blobs") { db in
            try db.execute(sql: """
                -- Verified blobs, stored once under their SHA-256 in the blobs folder.
                CREATE TABLE blob (
                    sha256 TEXT PRIMARY KEY,
                    size INTEGER NOT NULL,
                    storedAt DATETIME NOT NULL
                ) WITHOUT ROWID;

                -- Who uploaded each blob: a volunteer may reference only blobs they uploaded.
                CREATE TABLE blobHolder (
                    sha256 TEXT NOT NULL REFERENCES blob(sha256),
                    volunteerId INTEGER NOT NULL REFERENCES volunteer(id),
                    heldSince DATETIME NOT NULL,
                    PRIMARY KEY (sha256, volunteerId)
                ) WITHOUT ROWID;

                -- tus uploads in progress (and, until they expire, finished or failed ones).
                -- The bytes are in uploads/ID.part; offset is what was written and flushed.
                CREATE TABLE upload (
                    id TEXT PRIMARY KEY,
                    deviceId TEXT NOT NULL REFERENCES device(id),
                    volunteerId INTEGER NOT NULL REFERENCES volunteer(id),
                    length INTEGER NOT NULL,
                    offset INTEGER NOT NULL DEFAULT 0,
                    sha256 TEXT NOT NULL,
                    createdAt DATETIME NOT NULL,
                    updatedAt DATETIME NOT NULL,
                    expiresAt DATETIME NOT NULL,
                    completedAt DATETIME,
                    failedAt DATETIME
                ) WITHOUT ROWID;
                CREATE INDEX upload_on_expiresAt ON upload(expiresAt);
                """)
        }
        migrator.registerMigration("v3-activity-report") { db in
            try db.execute(sql: """
                -- The fields the monthly report counts, as columns (they were only in body),
                -- filled in for entries already stored. An undo entry (kind 'undo', retracts =
                -- the entry's id) sets undone on the entry it takes back, whichever came first.
                ALTER TABLE activity ADD COLUMN residentId TEXT;
                ALTER TABLE activity ADD COLUMN outcome TEXT;
                ALTER TABLE activity ADD COLUMN reason TEXT;
                ALTER TABLE activity ADD COLUMN payment TEXT;
                ALTER TABLE activity ADD COLUMN outsideCommune INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE activity ADD COLUMN participants INTEGER;
                ALTER TABLE activity ADD COLUMN satisfaction INTEGER;
                ALTER TABLE activity ADD COLUMN retracts TEXT;
                ALTER TABLE activity ADD COLUMN undone INTEGER NOT NULL DEFAULT 0;
                UPDATE activity SET
                    residentId = json_extract(body, '$.residentId'),
                    outcome = json_extract(body, '$.outcome'),
                    reason = json_extract(body, '$.reason'),
                    payment = json_extract(body, '$.payment'),
                    outsideCommune = COALESCE(json_extract(body, '$.outsideCommune'), 0),
                    participants = json_extract(body, '$.participants'),
                    satisfaction = json_extract(body, '$.satisfaction'),
                    retracts = json_extract(body, '$.retracts');
                UPDATE activity SET undone = 1 WHERE id IN (
                    SELECT undo.retracts FROM activity AS undo
                    WHERE undo.kind = 'undo' AND undo.volunteerId = activity.volunteerId);
                CREATE INDEX activity_on_retracts ON activity(retracts) WHERE retracts IS NOT NULL;
                -- Every column a report reads, in one index ordered by time: a month's report is
                -- one sequential range of it, never a lookup per row (5× faster at 100,000 rows).
                DROP INDEX activity_on_occurredAt;
                CREATE INDEX activity_report ON activity(occurredAt, kind, village, volunteerId, procedureId, residentId, outcome, reason,
                                                         payment, outsideCommune, participants, satisfaction, undone);
                """)
        }
        registerRolesAudit(&migrator)
        return migrator
    }
}

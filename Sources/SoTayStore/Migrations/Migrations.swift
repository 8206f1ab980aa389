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
        return migrator
    }
}

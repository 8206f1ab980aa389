import GRDB

extension HubMigrations {
    /// `v6-enrolment-audit`: the audit log also names the volunteer and the device an entry is
    /// about, for the enrolment codes issued and the devices enrolled. Before it, an admin could
    /// issue a code for a volunteer, enrol a device of their own and write into that volunteer's
    /// dossiers with nothing in the log.
    ///
    /// Registered after `v5-sealed` (which needs the key), as the newest migration.
    static func registerEnrolmentAudit(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v6-enrolment-audit") { db in
            try db.execute(sql: """
                -- For whom (the volunteer's number) and which device, where the entry concerns one.
                ALTER TABLE auditEntry ADD COLUMN volunteerId INTEGER;
                ALTER TABLE auditEntry ADD COLUMN deviceId TEXT;

                -- A message in the change feed about one device ("a new device was enrolled for
                -- you"): every other device of the volunteer gets it, that device does not.
                ALTER TABLE change ADD COLUMN aboutDevice TEXT;
                """)
        }
    }
}

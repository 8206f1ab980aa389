import GRDB

extension HubMigrations {
    /// The officer's console (issue #19): the queue reads dossiers newest first and pages by
    /// keyset on (receivedAt, id), with or without a status, so both orders have an index.
    static func registerConsole(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("i19-console-queue") { db in
            try db.execute(sql: """
                CREATE INDEX dossier_console_queue ON dossier(receivedAt, id);
                CREATE INDEX dossier_console_status ON dossier(status, receivedAt, id);
                CREATE INDEX dossier_console_village ON dossier(village, receivedAt, id);
                CREATE INDEX dossier_console_procedure ON dossier(procedureId, receivedAt, id);
                """)
        }
    }
}

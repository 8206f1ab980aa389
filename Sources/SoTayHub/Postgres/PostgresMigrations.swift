/// The PostgreSQL store's schema, in PostgreSQL's dialect: numbered migrations, each applied
/// once, in order, in one transaction. A landed migration is never edited: a change is a new one.
///
/// Every row that belongs to a commune says so (`commune_id`): one database serves a province.
enum PostgresMigrations {
    struct Migration: Sendable {
        let version: Int
        let name: String
        let sql: [String]
    }

    /// Held (as a transaction-level advisory lock) while migrating, so that two `serve`
    /// processes starting at once do not both migrate.
    static let lockKey: Int64 = 0x5354_4855_4231 // any constant, the same in every process

    static let all: [Migration] = [
        Migration(version: 1, name: "hub", sql: [
            """
            CREATE TABLE commune (
                id bigserial PRIMARY KEY,
                name text NOT NULL UNIQUE,
                created_at timestamptz NOT NULL
            )
            """,
            // The data key's check: the key that sealed this database, never the key itself.
            """
            CREATE TABLE hub_sealing (
                id integer PRIMARY KEY CHECK (id = 1),
                key_check text NOT NULL,
                created_at timestamptz NOT NULL
            )
            """,
            """
            CREATE TABLE volunteer (
                id bigserial PRIMARY KEY,
                commune_id bigint NOT NULL REFERENCES commune(id),
                name text NOT NULL,
                village text NOT NULL,
                commune text NOT NULL,
                created_at timestamptz NOT NULL
            )
            """,
            "CREATE INDEX volunteer_on_commune ON volunteer(commune_id)",
            // One-time enrolment codes, kept only as hashes.
            """
            CREATE TABLE enroll_code (
                code_hash text PRIMARY KEY,
                volunteer_id bigint NOT NULL REFERENCES volunteer(id),
                created_at timestamptz NOT NULL,
                expires_at timestamptz NOT NULL,
                used_at timestamptz,
                device_id text
            )
            """,
            "CREATE INDEX enroll_code_live ON enroll_code(expires_at) WHERE used_at IS NULL",
            // Enrolled laptops. The bearer token is kept only as its SHA-256.
            """
            CREATE TABLE device (
                id text PRIMARY KEY,
                volunteer_id bigint NOT NULL REFERENCES volunteer(id),
                name text NOT NULL,
                token_hash text NOT NULL UNIQUE,
                enrolled_at timestamptz NOT NULL,
                revoked_at timestamptz,
                last_seen_at timestamptz
            )
            """,
            """
            CREATE TABLE dossier (
                id text PRIMARY KEY,
                commune_id bigint NOT NULL REFERENCES commune(id),
                volunteer_id bigint NOT NULL REFERENCES volunteer(id),
                procedure_id text NOT NULL,
                village text NOT NULL,
                commune text NOT NULL,
                resident_name text,
                status text NOT NULL,
                reason text,
                portal_code text,
                latest_revision integer NOT NULL,
                received_at timestamptz NOT NULL,
                updated_at timestamptz NOT NULL
            )
            """,
            "CREATE INDEX dossier_on_volunteer ON dossier(volunteer_id)",
            "CREATE INDEX dossier_on_status ON dossier(commune_id, status, updated_at)",
            // Every revision ever received, exactly as it arrived (the body sealed).
            """
            CREATE TABLE dossier_revision (
                dossier_id text NOT NULL REFERENCES dossier(id),
                revision integer NOT NULL,
                kind text NOT NULL,
                device_id text NOT NULL,
                content_sha256 text NOT NULL,
                body text NOT NULL,
                received_at text NOT NULL,
                signature text NOT NULL,
                PRIMARY KEY (dossier_id, revision)
            )
            """,
            """
            CREATE TABLE activity (
                id text PRIMARY KEY,
                commune_id bigint NOT NULL REFERENCES commune(id),
                volunteer_id bigint NOT NULL REFERENCES volunteer(id),
                device_id text NOT NULL,
                kind text NOT NULL,
                occurred_at timestamptz NOT NULL,
                village text NOT NULL,
                procedure_id text,
                body text NOT NULL,
                received_at timestamptz NOT NULL,
                resident_id text,
                outcome text,
                reason text,
                payment text,
                outside_commune boolean NOT NULL DEFAULT false,
                participants integer,
                satisfaction integer,
                retracts text,
                undone boolean NOT NULL DEFAULT false
            )
            """,
            "CREATE INDEX activity_on_retracts ON activity(retracts) WHERE retracts IS NOT NULL",
            """
            CREATE INDEX activity_report ON activity(commune_id, occurred_at, kind, village, volunteer_id, procedure_id, resident_id, outcome,
                                                     reason, payment, outside_commune, participants, satisfaction, undone)
            """,
            // The change feed, numbered per commune. The next number is taken from feed_counter
            // with UPDATE … RETURNING: the row stays locked until the transaction ends, so
            // numbers become visible in the order they were handed out and a reader's cursor is
            // never passed by a change committed later (a sequence would not promise that).
            """
            CREATE TABLE feed_counter (
                commune_id bigint PRIMARY KEY REFERENCES commune(id),
                last_seq bigint NOT NULL DEFAULT 0
            )
            """,
            """
            CREATE TABLE change (
                commune_id bigint NOT NULL REFERENCES commune(id),
                seq bigint NOT NULL,
                volunteer_id bigint REFERENCES volunteer(id),
                kind text NOT NULL,
                dossier_id text,
                status text,
                reason text,
                portal_code text,
                message text,
                at timestamptz NOT NULL,
                about_device text,
                PRIMARY KEY (commune_id, seq)
            )
            """,
            // Verified blobs (the bytes are files under blobs/), who uploaded each, and tus uploads.
            """
            CREATE TABLE blob (
                sha256 text PRIMARY KEY,
                size bigint NOT NULL,
                stored_at timestamptz NOT NULL
            )
            """,
            """
            CREATE TABLE blob_holder (
                sha256 text NOT NULL REFERENCES blob(sha256),
                volunteer_id bigint NOT NULL REFERENCES volunteer(id),
                held_since timestamptz NOT NULL,
                PRIMARY KEY (sha256, volunteer_id)
            )
            """,
            """
            CREATE TABLE upload (
                id text PRIMARY KEY,
                device_id text NOT NULL REFERENCES device(id),
                volunteer_id bigint NOT NULL REFERENCES volunteer(id),
                length bigint NOT NULL,
                "offset" bigint NOT NULL DEFAULT 0,
                sha256 text NOT NULL,
                created_at timestamptz NOT NULL,
                updated_at timestamptz NOT NULL,
                expires_at timestamptz NOT NULL,
                completed_at timestamptz,
                failed_at timestamptz
            )
            """,
            "CREATE INDEX upload_on_expires_at ON upload(expires_at)",
            // Failed enrolments and authentications per address, for every process at once.
            """
            CREATE TABLE failed_attempt (
                id bigserial PRIMARY KEY,
                scope text NOT NULL,
                address text NOT NULL,
                at timestamptz NOT NULL
            )
            """,
            "CREATE INDEX failed_attempt_on_address ON failed_attempt(scope, address, at)",
            """
            CREATE TABLE staff (
                id text PRIMARY KEY,
                role text NOT NULL CHECK (role IN ('officer', 'admin', 'province')),
                name text NOT NULL,
                token_hash text NOT NULL,
                commune_id bigint REFERENCES commune(id),
                created_at timestamptz NOT NULL,
                revoked_at timestamptz
            )
            """,
            // Every read or export of a resident's personal data. Rows are only ever added:
            // the triggers refuse to change or remove one, TRUNCATE included.
            """
            CREATE TABLE audit_entry (
                id bigserial PRIMARY KEY,
                at timestamptz NOT NULL,
                actor_role text NOT NULL,
                actor_id text NOT NULL,
                actor_name text NOT NULL,
                action text NOT NULL,
                dossier_id text,
                blob_sha256 text,
                client_address text,
                volunteer_id bigint,
                device_id text
            )
            """,
            "CREATE INDEX audit_entry_on_at ON audit_entry(at)",
            """
            CREATE FUNCTION audit_entry_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION 'the audit log is append-only' USING ERRCODE = 'insufficient_privilege';
            END
            $$
            """,
            """
            CREATE TRIGGER audit_entry_refuses_change BEFORE UPDATE OR DELETE ON audit_entry
            FOR EACH ROW EXECUTE FUNCTION audit_entry_append_only()
            """,
            """
            CREATE TRIGGER audit_entry_refuses_truncate BEFORE TRUNCATE ON audit_entry
            FOR EACH STATEMENT EXECUTE FUNCTION audit_entry_append_only()
            """,
        ]),
        // The one writer of an upload, for every process at once: who holds it and when it last
        // moved (the database's clock, the same for every process). See `PostgresUploadGate`.
        Migration(version: 2, name: "upload_writer", sql: [
            "ALTER TABLE upload ADD COLUMN writer_token text, ADD COLUMN writer_seen_at timestamptz",
            "CREATE INDEX upload_on_device ON upload(device_id) WHERE completed_at IS NULL AND failed_at IS NULL",
        ]),
        // The officer's console: its sign-in sessions, shared by every `serve` process (a session
        // opened on one is good on all, and signing out ends it on all), kept under the SHA-256 of
        // the cookie, never the cookie. Its queue, filters and dashboard read one commune's
        // dossiers by the time they were received.
        Migration(version: 3, name: "console", sql: [
            """
            CREATE TABLE console_session (
                key_hash text PRIMARY KEY,
                staff_id text NOT NULL REFERENCES staff(id),
                csrf text NOT NULL,
                created_at timestamptz NOT NULL,
                last_used_at timestamptz NOT NULL
            )
            """,
            "CREATE INDEX console_session_on_staff ON console_session(staff_id)",
            "CREATE INDEX console_session_on_last_used ON console_session(last_used_at)",
            "CREATE INDEX dossier_on_received ON dossier(commune_id, received_at, id)",
            "CREATE INDEX dossier_on_village ON dossier(commune_id, village)",
            "CREATE INDEX dossier_on_procedure ON dossier(commune_id, procedure_id)",
            "CREATE INDEX change_announcement ON change(commune_id, at) WHERE kind = 'announcement'",
        ]),
    ]
}

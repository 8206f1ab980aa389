/// The SQLite store is one implementation of every repository protocol: the witnesses are its own
/// methods (HubStore+Sync, +Admin, +Staff, +Audit), unchanged in behaviour.
extension HubStore: HubSyncRepository, HubAdminRepository, HubStaffRepository, HubAuditRepository {}

/**
 * SQL that gives an application role exactly what Keyward needs, and no UPDATE, DELETE or TRUNCATE on
 * the audit tables (README "Operations → Audit log in PostgreSQL"). Run it as the schema owner after
 * the migrations (any `keyward` command run once with the owner's DATABASE_URL migrates). With these
 * grants the database refuses an edit of the audit log even if the triggers were dropped, and
 * retention (`keyward audit prune`) must run as the owner.
 */
export function renderAppRoleGrants(options: { schema: string; role: string }): string[] {
  const ident = (name: string): string => {
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`"${name}" must be a lower-case SQL identifier`);
    return `"${name}"`;
  };
  const s = ident(options.schema);
  const r = ident(options.role);
  return [
    `revoke all on all tables in schema ${s} from ${r}`,
    `grant usage on schema ${s} to ${r}`,
    // Migration bookkeeping: read only, so the app can check it is up to date.
    `grant select on ${s}.kysely_migration, ${s}.kysely_migration_lock to ${r}`,
    `grant select, insert, update on ${s}.requests to ${r}`,
    `grant select, insert, delete on ${s}.inbound_events to ${r}`,
    `grant select, insert, update, delete on ${s}.secrets to ${r}`,
    // The audit log: append and read, nothing else. The head moves forward by one row per append (its trigger checks it).
    `grant select, insert on ${s}.audit_events to ${r}`,
    `grant select, update on ${s}.audit_head to ${r}`,
    `grant select on ${s}.audit_checkpoint to ${r}`,
    // The SIEM outbox is a queue: delivered rows are deleted. Its cursors move as destinations accept.
    `grant select, insert, delete on ${s}.siem_outbox to ${r}`,
    `grant select, insert, update on ${s}.siem_delivery to ${r}`,
    // The vault key's fingerprint: recorded once; only the owner replaces it (`keyward vault adopt-key`).
    `grant select, insert on ${s}.vault_key_check to ${r}`,
  ];
}

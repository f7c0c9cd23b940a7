// SQLite re-plans a statement on every run when a bound value decides whether
// a partial index applies (it peeks at the value and marks the statement
// stale on every new binding): a person's doors, with `role = ?` twice, took
// about 240 µs a call instead of 34 µs. The values that partial indexes are
// defined on are constants, so they are written into the SQL text instead.
import { sql } from 'kysely';

/** `account_members_one_admin` is `where role = 'admin'`. */
export const ADMIN_ROLE = sql.lit('admin' as const);
/** `door_commands_one_pending` is `where status = 'pending'`. */
export const PENDING_COMMAND = sql.lit('pending' as const);

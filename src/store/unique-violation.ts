// A write refused by a unique index: the thing it claims (a plate, a name, a
// door's one pending command) is taken, perhaps by a write at the same
// instant that no check before it could see. Repositories turn it into a
// plain answer ("taken"), and the domain into its own refusal, so the loser
// of a race is answered as it would be one request later, never with a 500.

// PostgreSQL's unique_violation; SQLite's extended codes for a UNIQUE index and a PRIMARY KEY.
const POSTGRES_UNIQUE = '23505';
const SQLITE_CONSTRAINT_UNIQUE = 2067;
const SQLITE_CONSTRAINT_PRIMARYKEY = 1555;

function isUniqueViolation(error: unknown): boolean {
  const { code, errcode } = error as { code?: unknown; errcode?: unknown };
  return code === POSTGRES_UNIQUE || code === 'ERR_SQLITE_ERROR' && (errcode === SQLITE_CONSTRAINT_UNIQUE || errcode === SQLITE_CONSTRAINT_PRIMARYKEY);
}

/**
 * Runs `write`; false when a unique index refused it. Inside a transaction,
 * PostgreSQL takes no further statement after the refusal: the caller ends
 * the transaction (a thrown refusal rolls it back).
 */
export async function writeUnlessTaken(write: () => Promise<unknown>): Promise<boolean> {
  try {
    await write();
    return true;
  } catch (error) {
    if (isUniqueViolation(error)) return false;
    throw error;
  }
}

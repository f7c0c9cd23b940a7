// SQLite copies its write-ahead log back into the database (a checkpoint,
// with its fsyncs) inside whichever commit crosses the log's size limit. With
// node:sqlite that commit runs on the event loop, so every thousandth page
// written stalled the server for a checkpoint: it set a toggle's p99. This
// worker thread checkpoints on a connection of its own instead (PASSIVE: it
// never waits for, nor blocks, the server's readers and writers), and the
// server's connection keeps a larger limit of its own only as a backstop.
import { isMainThread, Worker, workerData } from 'node:worker_threads';
import { DatabaseSync } from 'node:sqlite';

const EVERY_MS = 100;
/** The server connection's own limit (pages): reached only if this worker falls behind or is gone. */
export const BACKSTOP_PAGES = 10_000;

export interface Checkpointer {
  stop(): Promise<void>;
}

export function startCheckpointer(path: string): Checkpointer {
  const worker = new Worker(new URL(import.meta.url), { workerData: { checkpointsOf: path } });
  // A worker that fails (the file removed under it) leaves the backstop to the server's connection.
  worker.on('error', () => undefined);
  worker.unref();
  return { stop: async () => void (await worker.terminate()) };
}

// Only the thread started above: any other worker that imports the module starts nothing.
const checkpointsOf = isMainThread ? undefined : (workerData as { checkpointsOf?: unknown } | null)?.checkpointsOf;
if (typeof checkpointsOf === 'string') {
  const db = new DatabaseSync(checkpointsOf, { timeout: 0 });
  db.exec('PRAGMA wal_autocheckpoint = 0;');
  setInterval(() => {
    try {
      db.exec('PRAGMA wal_checkpoint(PASSIVE);');
    } catch {
      // Busy with another checkpoint, or the database is closing: the next round tries again.
    }
  }, EVERY_MS);
}

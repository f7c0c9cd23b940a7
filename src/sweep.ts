// A sweep every process runs on a timer: a run still going when the next is
// due is not doubled, and a failure is logged for the next run to try again.
import type { FastifyBaseLogger } from 'fastify';

export interface Sweep {
  /** One pass; returns how many things it handled. */
  run: () => Promise<number>;
  /** The log field that counts them, and the lines for a pass that handled some and one that failed. */
  counted: string;
  done: string;
  failed: string;
}

export function startSweep(deps: { log: FastifyBaseLogger; intervalMs: number }, sweep: Sweep) {
  let running: Promise<void> | undefined;
  const once = async () => {
    try {
      const count = await sweep.run();
      if (count > 0) deps.log.info({ [sweep.counted]: count }, sweep.done);
    } catch (error) {
      deps.log.warn({ err: error }, sweep.failed);
    }
  };
  const run = () => (running ??= once().finally(() => (running = undefined)));
  const timer = setInterval(run, deps.intervalMs);
  timer.unref();
  return {
    run,
    /** Waits for a sweep in progress, so the database can be closed after. */
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}

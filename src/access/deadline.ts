// Answers by a deadline whatever the work waits on (the database, a controller).
// Deadlines are real time: a manual clock must never stall one.
import { systemClock } from '../clock.ts';

/**
 * Settles as `work` does, or rejects with `late()` once `deadline` (epoch ms)
 * passes. The work itself goes on; whatever it ends with after the deadline
 * is nobody's answer any more.
 */
export async function beforeDeadline<T>(deadline: number, work: Promise<T>, late: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(late()), Math.max(0, deadline - systemClock.now()));
  });
  try {
    return await Promise.race([work, expired]);
  } finally {
    clearTimeout(timer);
  }
}

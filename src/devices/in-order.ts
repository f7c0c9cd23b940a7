// A controller's presence and state messages are applied in the order they
// arrived: handled concurrently, a reconnecting controller's first state
// report could land after the change it reports next, and leave the door in
// the older state. Different controllers still run side by side.

/** Runs each key's tasks one after another, in the order given; keys run in parallel. */
export function perKeyInOrder() {
  const tails = new Map<string, Promise<unknown>>();
  return <T>(key: string, task: () => Promise<T>): Promise<T> => {
    const run = (tails.get(key) ?? Promise.resolve()).then(task, task);
    const tail = run.then(() => undefined, () => undefined);
    tails.set(key, tail);
    void tail.then(() => {
      if (tails.get(key) === tail) tails.delete(key);
    });
    return run;
  };
}

// Load from autocannon (in the runner's process; every server under load runs
// in a child of its own). Subjects of one figure take turns round by round,
// so a machine that slows down for a while slows the baseline as much.
import autocannon from 'autocannon';

export interface Sample {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}

export interface Subject {
  name: string;
  /** One round of load; `warm` is this subject's warm-up sample. */
  run(seconds: number, warm?: Sample): Promise<Sample>;
}

export interface Measured {
  name: string;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  rounds: Sample[];
}

export const settings = {
  seconds: Number(process.env.BENCH_SECONDS ?? 8),
  warmupSeconds: Number(process.env.BENCH_WARMUP_SECONDS ?? 2),
  rounds: Number(process.env.BENCH_ROUNDS ?? 3),
  connections: Number(process.env.BENCH_CONNECTIONS ?? 20),
};

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/**
 * A subject loaded by autocannon. `counted`: every answer must be read (a
 * rotating refresh token is in it), so a round is a number of requests, about
 * what the warm-up managed in that time, rather than a time that cuts some off.
 */
export function cannon(name: string, options: () => autocannon.Options, counted = false): Subject {
  return {
    name,
    async run(seconds, warm) {
      const amount = counted ? Math.max(settings.connections * 20, Math.round((warm?.rps ?? settings.connections * 10) * seconds)) : undefined;
      const result = await autocannon({ connections: settings.connections, ...options(), ...(amount === undefined ? { duration: seconds } : { amount }) });
      return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, errors: result.errors + result.non2xx + result.timeouts };
    },
  };
}

/** Shorter rounds for the points of a growth curve: each point is one of several. */
export const curveSettings = {
  seconds: Number(process.env.BENCH_CURVE_SECONDS ?? Math.max(1, Math.round(settings.seconds / 3))),
  warmupSeconds: 1,
  rounds: 1,
};

/** Warm-up, then `rounds` rounds taken in turn; medians of each figure. */
export async function measureTogether(subjects: Subject[], how: Pick<typeof settings, 'seconds' | 'warmupSeconds' | 'rounds'> = settings): Promise<Measured[]> {
  const warm = new Map<Subject, Sample>();
  for (const subject of subjects) warm.set(subject, await subject.run(how.warmupSeconds));
  const samples = new Map<Subject, Sample[]>(subjects.map((subject) => [subject, []]));
  for (let round = 0; round < how.rounds; round += 1) {
    for (const subject of subjects) samples.get(subject)!.push(await subject.run(how.seconds, warm.get(subject)));
  }
  return subjects.map((subject) => {
    const rounds = samples.get(subject)!;
    return {
      name: subject.name,
      rps: Math.round(median(rounds.map((sample) => sample.rps))),
      p50: median(rounds.map((sample) => sample.p50)),
      p99: median(rounds.map((sample) => sample.p99)),
      errors: rounds.reduce((sum, sample) => sum + sample.errors, 0),
      rounds,
    };
  });
}

/** Percentiles of a list of latencies (ms). */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

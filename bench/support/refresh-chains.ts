// Load for the refresh grant with rotation. Each refresh token is good once,
// so every answer must be read before its chain goes on, and no request may be
// cut off at the end of a round (autocannon stops mid-flight, and the next
// round would present a spent token, which revokes the grant). One chain per
// connection, each waiting for its answer; a round ends when every chain has
// heard back after the time is up. Only answered refreshes count; a refused
// one ends its chain.
import { Pool } from 'undici';
import { percentile, settings, type Sample, type Subject } from './load.ts';

export function refreshChains(name: string, tokenUrl: string, client: { client_id: string; client_secret: string }, chains: string[]): Subject {
  const url = new URL(tokenUrl);
  const authorization = `Basic ${Buffer.from(`${encodeURIComponent(client.client_id)}:${encodeURIComponent(client.client_secret)}`).toString('base64')}`;
  return {
    name,
    async run(seconds): Promise<Sample> {
      const pool = new Pool(url.origin, { connections: settings.connections, pipelining: 1 });
      const latencies: number[] = [];
      let errors = 0;
      const until = Date.now() + seconds * 1000;
      const chain = async (index: number) => {
        while (Date.now() < until && chains[index] !== undefined) {
          const started = performance.now();
          const response = await pool.request({
            method: 'POST',
            path: url.pathname,
            headers: { authorization, 'content-type': 'application/x-www-form-urlencoded' },
            body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: chains[index]! }).toString(),
          });
          const body = await response.body.json() as { refresh_token?: string };
          if (response.statusCode === 200 && body.refresh_token) {
            latencies.push(performance.now() - started);
            chains[index] = body.refresh_token;
          } else {
            // Its token may be spent: the chain ends rather than repeating a refused request (which would count as load).
            errors += 1;
            if (errors <= 3) console.error(`${name}: ${response.statusCode} ${JSON.stringify(body)}`);
            chains[index] = undefined as unknown as string;
          }
        }
      };
      const began = performance.now();
      await Promise.all(chains.map((_token, index) => chain(index)));
      const elapsed = (performance.now() - began) / 1000;
      await pool.close();
      const round = (ms: number) => Math.round(ms * 10) / 10;
      return { rps: latencies.length / elapsed, p50: round(percentile(latencies, 50)), p99: round(percentile(latencies, 99)), errors };
    },
  };
}

// The baseline: a bare Fastify route answering a small JSON body, in a process of its own like the server.
import { once } from 'node:events';
import { READY } from './children.ts';
import Fastify from 'fastify';

const bare = Fastify();
bare.get('/bare', async () => ({ success: true, timestamp: Math.floor(Date.now() / 1000), data: { id: 'x', first_name: 'A', last_name: 'B' } }));
await bare.listen({ port: 0, host: '127.0.0.1' });
const { port } = bare.server.address() as { port: number };
process.stdout.write(`${READY}${JSON.stringify({ baseUrl: `http://127.0.0.1:${port}` })}\n`);
process.stdin.resume();
await once(process.stdin, 'end');
await bare.close();
process.exit(0);

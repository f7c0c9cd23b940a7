// The peer for the refresh grant: oidc-provider alone, as installed, with its
// in-memory storage, one confidential client and rotating refresh tokens.
// Prints its URL, the client and one refresh token per chain.
import { once } from 'node:events';
import { READY } from './children.ts';
import { createServer } from 'node:http';
import Provider from 'oidc-provider';

const chains = Number(process.env.BENCH_REFRESH_CHAINS ?? 20);
const server = createServer();
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const { port } = server.address() as { port: number };
const issuer = `http://127.0.0.1:${port}`;
const client = { client_id: 'bench', client_secret: 'bench-secret-bench-secret-bench-secret' };
const provider = new Provider(issuer, {
  clients: [{ ...client, grant_types: ['authorization_code', 'refresh_token'], redirect_uris: ['https://client.example/cb'], response_types: ['code'] }],
  scopes: ['opendoor', 'closedoor'],
  rotateRefreshToken: true,
  issueRefreshToken: async () => true,
  ttl: { Grant: 14 * 24 * 3600, AccessToken: 3600, RefreshToken: 14 * 24 * 3600 },
  features: { devInteractions: { enabled: false } },
  findAccount: async (_ctx, sub) => ({ accountId: sub, claims: () => ({ sub }) }),
});
server.on('request', provider.callback());

const registered = await provider.Client.find(client.client_id);
const refreshTokens: string[] = [];
for (let i = 0; i < chains; i += 1) {
  const grant = new provider.Grant({ accountId: `person-${i}`, clientId: client.client_id });
  grant.addOIDCScope('opendoor closedoor');
  const grantId = await grant.save();
  const token = new provider.RefreshToken({ accountId: `person-${i}`, client: registered!, grantId, scope: 'opendoor closedoor', gty: 'authorization_code' });
  refreshTokens.push(await token.save());
}
process.stdout.write(`${READY}${JSON.stringify({ tokenUrl: `${issuer}/token`, client, refreshTokens })}\n`);
process.stdin.resume();
await once(process.stdin, 'end');
server.close();
process.exit(0);

// A refresh whose process died mid-rotation (SIGKILL) leaves its claim row
// with no response. Found by test/chaos/sigkill.chaos.ts: every later refresh
// with that token waited 10 s and answered 503, for good. The dead leader is
// simulated through the store: a claim row with no response and an old
// created_at, (a) before the provider consumed the token, (b) after it
// consumed it and stored the new pair the client never received.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import type { App } from '../../src/app.ts';
import { hashSecret } from '../../src/security/secrets.ts';
import { engines, startServer } from '../helpers/build-app.ts';
import { postToken, publicClientTokens, sandbox, sandboxTokens, userInfo } from '../helpers/oauth.ts';

// Well past the claim lease (15 s, or more with a long statement timeout) and inside the default 60 s window.
const STALE_MS = 30_000;

function confidentialRefresh(baseUrl: string, refreshToken: string) {
  const client = sandbox.client(baseUrl).web;
  return { grant_type: 'refresh_token', refresh_token: refreshToken, client_id: client.client_id, client_secret: client.client_secret };
}

function publicRefresh(baseUrl: string, refreshToken: string) {
  return { grant_type: 'refresh_token', refresh_token: refreshToken, client_id: sandbox.client(baseUrl).native.client_id };
}

/** The claim a leader left when it died before the provider consumed the token. */
async function deadClaim(app: App, refreshToken: string, clientId: string, ageMs: number) {
  await app.db.insertInto('refresh_rotations').values({
    token_hash: hashSecret(refreshToken), client_id: clientId, credentials_hash: hashSecret('a leader that died'), response: null, created_at: Date.now() - ageMs,
  }).execute();
}

/** A real rotation whose response never got sealed: the token is consumed and a new pair stored, but no client has it. */
async function unsealed(app: App, refreshToken: string, ageMs: number) {
  await app.db.updateTable('refresh_rotations').set({ response: null, created_at: Date.now() - ageMs })
    .where('token_hash', '=', hashSecret(refreshToken)).execute();
}

async function assertWorkingPair(baseUrl: string, pair: Record<string, any>, params: (baseUrl: string, token: string) => Record<string, string>) {
  assert.equal((await userInfo(baseUrl, pair.access_token)).status, 200);
  const onward = await postToken(baseUrl, params(baseUrl, pair.refresh_token));
  assert.equal(onward.status, 200, JSON.stringify(onward.body));
}

for (const engine of engines()) {
  describe(`refresh after a leader died mid-rotation [${engine}]`, () => {
    it('(a) takes over a stale claim whose token was never consumed and answers a working pair', async (t) => {
      const { app, baseUrl } = await startServer(t, engine);
      const tokens = await sandboxTokens(baseUrl);
      await deadClaim(app, tokens.refresh_token, sandbox.client(baseUrl).web.client_id, STALE_MS);
      const refreshed = await postToken(baseUrl, confidentialRefresh(baseUrl, tokens.refresh_token));
      assert.equal(refreshed.status, 200, JSON.stringify(refreshed.body));
      await assertWorkingPair(baseUrl, refreshed.body, confidentialRefresh);
    });

    it('(b) gives the confidential client that presents the consumed token a new working pair and revokes the orphaned one', async (t) => {
      const { app, baseUrl } = await startServer(t, engine);
      const tokens = await sandboxTokens(baseUrl);
      const orphan = await postToken(baseUrl, confidentialRefresh(baseUrl, tokens.refresh_token));
      assert.equal(orphan.status, 200);
      await unsealed(app, tokens.refresh_token, STALE_MS);
      const refreshed = await postToken(baseUrl, confidentialRefresh(baseUrl, tokens.refresh_token));
      assert.equal(refreshed.status, 200, JSON.stringify(refreshed.body));
      assert.notEqual(refreshed.body.refresh_token, orphan.body.refresh_token);
      await assertWorkingPair(baseUrl, refreshed.body, confidentialRefresh);
      const orphaned = await postToken(baseUrl, confidentialRefresh(baseUrl, orphan.body.refresh_token));
      assert.equal(orphaned.body.error, 'invalid_grant', 'the pair the dead leader issued is gone');
      // Presented once more, the token now replays the pair the takeover handed out.
      const replay = await postToken(baseUrl, confidentialRefresh(baseUrl, tokens.refresh_token));
      assert.equal(replay.status, 200, JSON.stringify(replay.body));
      assert.equal(replay.body.access_token, refreshed.body.access_token);
    });

    it('(b) gives a public client a new working pair instead of revoking its grant as a reuse', async (t) => {
      const { app, baseUrl } = await startServer(t, engine);
      const { tokens } = await publicClientTokens(baseUrl);
      const orphan = await postToken(baseUrl, publicRefresh(baseUrl, tokens.refresh_token));
      assert.equal(orphan.status, 200, JSON.stringify(orphan.body));
      await unsealed(app, tokens.refresh_token, STALE_MS);
      const refreshed = await postToken(baseUrl, publicRefresh(baseUrl, tokens.refresh_token));
      assert.equal(refreshed.status, 200, JSON.stringify(refreshed.body));
      await assertWorkingPair(baseUrl, refreshed.body, publicRefresh);
    });

    it('(b) keeps the old answers after the grace window: invalid_grant for a confidential client, the grant revoked for a public one', async (t) => {
      const { app, baseUrl } = await startServer(t, engine, { PARQEX_REFRESH_GRACE_SECONDS: '20' });
      const tokens = await sandboxTokens(baseUrl);
      assert.equal((await postToken(baseUrl, confidentialRefresh(baseUrl, tokens.refresh_token))).status, 200);
      await unsealed(app, tokens.refresh_token, STALE_MS);
      const late = await postToken(baseUrl, confidentialRefresh(baseUrl, tokens.refresh_token));
      assert.equal(late.status, 400, JSON.stringify(late.body));
      assert.equal(late.body.error, 'invalid_grant');

      const { tokens: publicTokens } = await publicClientTokens(baseUrl);
      const orphan = await postToken(baseUrl, publicRefresh(baseUrl, publicTokens.refresh_token));
      assert.equal(orphan.status, 200);
      await unsealed(app, publicTokens.refresh_token, STALE_MS);
      const reuse = await postToken(baseUrl, publicRefresh(baseUrl, publicTokens.refresh_token));
      assert.equal(reuse.body.error, 'invalid_grant', JSON.stringify(reuse.body));
      assert.equal((await userInfo(baseUrl, orphan.body.access_token)).status, 401, 'reuse after the window revokes the grant');
    });

    it('(b) does not hand a pair to other client credentials', async (t) => {
      const { app, baseUrl } = await startServer(t, engine);
      const tokens = await sandboxTokens(baseUrl);
      assert.equal((await postToken(baseUrl, confidentialRefresh(baseUrl, tokens.refresh_token))).status, 200);
      await unsealed(app, tokens.refresh_token, STALE_MS);
      const forged = await postToken(baseUrl, { ...confidentialRefresh(baseUrl, tokens.refresh_token), client_secret: 'not-the-secret-at-all' });
      assert.notEqual(forged.status, 200);
      assert.equal(forged.body.access_token, undefined);
      // The real client still recovers its family.
      const refreshed = await postToken(baseUrl, confidentialRefresh(baseUrl, tokens.refresh_token));
      assert.equal(refreshed.status, 200, JSON.stringify(refreshed.body));
      await assertWorkingPair(baseUrl, refreshed.body, confidentialRefresh);
    });

    it('waits for a claim younger than the lease instead of taking it over', async (t) => {
      const { app, baseUrl } = await startServer(t, engine);
      const tokens = await sandboxTokens(baseUrl);
      const first = await postToken(baseUrl, confidentialRefresh(baseUrl, tokens.refresh_token));
      assert.equal(first.status, 200);
      // The leader is alive and still working: its row has no response yet.
      const where = hashSecret(tokens.refresh_token);
      const { response } = await app.db.selectFrom('refresh_rotations').select('response').where('token_hash', '=', where).executeTakeFirstOrThrow();
      await app.db.updateTable('refresh_rotations').set({ response: null, created_at: Date.now() - 1000 }).where('token_hash', '=', where).execute();
      const waiting = postToken(baseUrl, confidentialRefresh(baseUrl, tokens.refresh_token));
      await sleep(500);
      await app.db.updateTable('refresh_rotations').set({ response }).where('token_hash', '=', where).execute();
      const answered = await waiting;
      assert.equal(answered.status, 200, JSON.stringify(answered.body));
      assert.equal(answered.body.refresh_token, first.body.refresh_token, 'the live leader\'s pair, not a new one');
      await assertWorkingPair(baseUrl, first.body, confidentialRefresh);
    });
  });
}

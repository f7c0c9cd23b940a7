// The identity rules without HTTP: mailed links (hash only, single use,
// expiry by the clock), sign-up, password reset, email change and new accounts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock } from '../../src/clock.ts';
import { createAccount, createAccountForEmail } from '../../src/access/create-account.ts';
import { DomainError } from '../../src/access/errors.ts';
import type { IdentityDeps } from '../../src/access/identity-deps.ts';
import { issueMailLink, usableMailLink, useMailLink } from '../../src/access/mail-links.ts';
import { requestPasswordReset, resetPassword } from '../../src/access/password-reset.ts';
import { personAccounts } from '../../src/access/people.ts';
import { confirmEmailChange, requestEmailChange } from '../../src/access/profile.ts';
import { completeSignUp, requestSignUp } from '../../src/access/sign-up.ts';
import { startWebSession, personForWebSession } from '../../src/access/web-sessions.ts';
import type { MailMessage } from '../../src/mail/mailer.ts';
import { sandboxPeople } from '../../src/sandbox/seed.ts';
import { hashSecret } from '../../src/security/secrets.ts';
import { verifyPassword } from '../../src/security/passwords.ts';
import { findLoginByEmail, findPersonById } from '../../src/store/repositories/people.ts';
import { engines } from '../helpers/build-app.ts';
import { sandboxDatabase } from '../helpers/sandbox-db.ts';

const start = Date.UTC(2026, 2, 4, 15, 0, 0);

async function identity(t: Parameters<typeof sandboxDatabase>[0], engine: 'sqlite' | 'postgres') {
  const db = await sandboxDatabase(t, engine);
  const clock = new ManualClock(start);
  const sent: MailMessage[] = [];
  const ended: string[] = [];
  let refuse = false;
  const deps: IdentityDeps = {
    db,
    clock,
    mailer: { send: async (message) => void sent.push(message) },
    publicUrl: 'https://parqex.test',
    mailRequests: { take: async () => (refuse ? 3600 : undefined) },
    endBrowserSessions: async (personId) => void ended.push(personId),
  };
  const tokenIn = (message: MailMessage | undefined, path: string) => {
    const match = new RegExp(`https://parqex\\.test${path}/([A-Za-z0-9_-]+)`).exec(message?.text ?? '');
    assert.ok(match, `no ${path} link in ${message?.text}`);
    return match[1]!;
  };
  return { db, clock, deps, sent, ended, tokenIn, refuseMail: () => { refuse = true; } };
}

const seconds = (clock: ManualClock) => Math.floor(clock.now() / 1000);

for (const engine of engines()) {
  describe(`mailed links [${engine}]`, () => {
    it('stores only the hash of the token', async (t) => {
      const { db, clock } = await identity(t, engine);
      const link = await issueMailLink(db, { purpose: 'sign_up', email: 'A@Example.com' }, seconds(clock));
      const rows = await db.selectFrom('mail_links').selectAll().execute();
      assert.equal(rows.length, 1);
      assert.equal(rows[0]!.token_hash, hashSecret(link.token));
      assert.equal(rows[0]!.email, 'a@example.com');
      assert.ok(!JSON.stringify(rows).includes(link.token));
    });

    it('works once', async (t) => {
      const { db, clock } = await identity(t, engine);
      const { token } = await issueMailLink(db, { purpose: 'password_reset', email: 'a@example.com' }, seconds(clock));
      await useMailLink(db, 'password_reset', token, seconds(clock));
      await assert.rejects(useMailLink(db, 'password_reset', token, seconds(clock)), (error: DomainError) => error.code === 'not_found' && /already used/.test(error.message));
    });

    it('works once even when two uses race', async (t) => {
      const { db, clock } = await identity(t, engine);
      const { token } = await issueMailLink(db, { purpose: 'sign_up', email: 'race@example.com' }, seconds(clock));
      const results = await Promise.allSettled([1, 2, 3].map(() => completeSignUp({ db, clock }, token, { first_name: 'R', last_name: 'Ace', password: 'a long enough password' })));
      assert.equal(results.filter((result) => result.status === 'fulfilled').length, 1);
      assert.equal((await db.selectFrom('people').select('id').where('email', '=', 'race@example.com').execute()).length, 1);
    });

    it('expires by the clock, and a link of one purpose is no link of another', async (t) => {
      const { db, clock } = await identity(t, engine);
      const { token, expiresAt } = await issueMailLink(db, { purpose: 'password_reset', email: 'a@example.com' }, seconds(clock));
      assert.equal(expiresAt, seconds(clock) + 3600);
      await assert.rejects(usableMailLink(db, 'sign_up', token, seconds(clock)), /not valid/);
      clock.advance(3599_000);
      await usableMailLink(db, 'password_reset', token, seconds(clock));
      clock.advance(1000);
      await assert.rejects(usableMailLink(db, 'password_reset', token, seconds(clock)), /expired/);
      await assert.rejects(useMailLink(db, 'password_reset', token, seconds(clock)), /expired/);
    });
  });

  describe(`sign-up [${engine}]`, () => {
    it('mails a 24-hour link and creates the login with the names and a hashed password', async (t) => {
      const { db, clock, deps, sent, tokenIn } = await identity(t, engine);
      await requestSignUp(deps, { email: ' New@Example.com ', nextPath: '/developers', clientAddress: '127.0.0.1' });
      const token = tokenIn(sent[0], '/signup');
      assert.equal(sent[0]!.to, 'new@example.com');
      clock.advance(23 * 3600_000);
      const { personId, nextPath } = await completeSignUp(deps, token, { first_name: ' Nia ', last_name: 'New', password: 'a long enough password' });
      assert.equal(nextPath, '/developers');
      const person = await findPersonById(db, personId);
      assert.deepEqual([person?.email, person?.first_name, person?.last_name], ['new@example.com', 'Nia', 'New']);
      const login = await findLoginByEmail(db, 'new@example.com');
      assert.ok(await verifyPassword('a long enough password', login!.password_hash));
    });

    it('mails an address that has a login "you already have one" and no link', async (t) => {
      const { deps, sent } = await identity(t, engine);
      await requestSignUp(deps, { email: sandboxPeople.sam.email, clientAddress: '127.0.0.1' });
      assert.equal(sent[0]!.subject, 'You already have a ParqEx login');
      assert.doesNotMatch(sent[0]!.text, /\/signup\//);
    });

    it('refuses a password shorter than 10 characters and keeps the link usable', async (t) => {
      const { deps, sent, tokenIn } = await identity(t, engine);
      await requestSignUp(deps, { email: 'b@example.com', clientAddress: '127.0.0.1' });
      const token = tokenIn(sent[0], '/signup');
      await assert.rejects(completeSignUp(deps, token, { first_name: 'B', last_name: 'Bee', password: 'short' }), (error: DomainError & { field?: string }) => error.code === 'invalid' && error.field === 'password');
      await completeSignUp(deps, token, { first_name: 'B', last_name: 'Bee', password: 'long enough now' });
    });

    it('sends nothing past the mail limit', async (t) => {
      const { deps, sent, refuseMail } = await identity(t, engine);
      refuseMail();
      await assert.rejects(requestSignUp(deps, { email: 'c@example.com', clientAddress: '127.0.0.1' }), (error: DomainError) => error.code === 'rate_limited' && error.retryAfter === 3600);
      assert.equal(sent.length, 0);
    });
  });

  describe(`password reset [${engine}]`, () => {
    it('sets the password, ends every web and browser session, and retires the other reset links', async (t) => {
      const { db, deps, sent, ended, tokenIn } = await identity(t, engine);
      const sam = sandboxPeople.sam;
      const session = await startWebSession(db, sam.id);
      await requestPasswordReset(deps, { email: sam.email, clientAddress: '127.0.0.1' });
      await requestPasswordReset(deps, { email: sam.email, clientAddress: '127.0.0.1' });
      const [older, newer] = [tokenIn(sent[0], '/password-reset'), tokenIn(sent[1], '/password-reset')];
      assert.equal(await resetPassword(deps, newer, { password: 'brand new password' }), sam.id);
      assert.equal(await personForWebSession(db, session), undefined);
      assert.deepEqual(ended, [sam.id]);
      await assert.rejects(resetPassword(deps, older, { password: 'another new password' }), /already used/);
      assert.ok(await verifyPassword('brand new password', (await findLoginByEmail(db, sam.email))!.password_hash));
    });

    it('mails an address without a login that none uses it, with no link', async (t) => {
      const { db, deps, sent } = await identity(t, engine);
      assert.equal(await requestPasswordReset(deps, { email: 'Nobody@Example.com', clientAddress: '127.0.0.1' }), 'nobody@example.com');
      assert.equal(sent.length, 1);
      assert.equal(sent[0]!.to, 'nobody@example.com');
      assert.match(sent[0]!.text, /no ParqEx login uses this address/);
      assert.doesNotMatch(sent[0]!.text, /\/password-reset\//);
      assert.equal((await db.selectFrom('mail_links').select('token_hash').execute()).length, 0);
    });
  });

  describe(`email change [${engine}]`, () => {
    it('changes the address when the link is used, and tells the old one', async (t) => {
      const { db, deps, sent, tokenIn } = await identity(t, engine);
      const sam = sandboxPeople.sam;
      await requestEmailChange(deps, sam.id, { email: 'Sam.New@Example.com', clientAddress: '127.0.0.1' });
      assert.equal((await findPersonById(db, sam.id))?.email, sam.email);
      const token = tokenIn(sent[0], '/account/email');
      assert.deepEqual(await confirmEmailChange(deps, token), { personId: sam.id, newEmail: 'sam.new@example.com' });
      assert.equal((await findPersonById(db, sam.id))?.email, 'sam.new@example.com');
      assert.equal(sent[1]!.to, sam.email);
      assert.equal(sent[1]!.subject, 'Your ParqEx email address was changed');
    });

    it('refuses the change when another login took the address meanwhile', async (t) => {
      const { db, deps, sent, tokenIn } = await identity(t, engine);
      await requestEmailChange(deps, sandboxPeople.sam.id, { email: 'shared@example.com', clientAddress: '127.0.0.1' });
      const token = tokenIn(sent[0], '/account/email');
      await requestSignUp(deps, { email: 'shared@example.com', clientAddress: '127.0.0.1' });
      await completeSignUp(deps, tokenIn(sent[1], '/signup'), { first_name: 'S', last_name: 'Hared', password: 'long enough password' });
      await assert.rejects(confirmEmailChange(deps, token), (error: DomainError) => error.code === 'invalid');
      assert.equal((await findPersonById(db, sandboxPeople.sam.id))?.email, sandboxPeople.sam.email);
    });

    it('gives the address to one of several logins confirming it at once, and refuses the others as taken', async (t) => {
      const { db, deps, sent, tokenIn } = await identity(t, engine);
      const people = [sandboxPeople.alex, sandboxPeople.sam, sandboxPeople.nora, sandboxPeople.gia];
      for (const person of people) await requestEmailChange(deps, person.id, { email: 'shared@example.com', clientAddress: '127.0.0.1' });
      const tokens = sent.map((message) => tokenIn(message, '/account/email'));
      // A connection each, open already, as in a server that has been running: the confirmations then overlap.
      await Promise.all(tokens.map(() => db.transaction().execute((trx) => findPersonById(trx, sandboxPeople.sam.id))));
      const results = await Promise.allSettled(tokens.map((token) => confirmEmailChange(deps, token)));
      assert.equal(results.filter((result) => result.status === 'fulfilled').length, 1);
      for (const result of results) {
        if (result.status === 'rejected') assert.ok(result.reason instanceof DomainError && result.reason.code === 'invalid', String(result.reason));
      }
      assert.equal((await db.selectFrom('people').select('id').where('email', '=', 'shared@example.com').execute()).length, 1);
    });
  });

  describe(`new accounts [${engine}]`, () => {
    it('makes the creator its Admin, in their zone unless another is given', async (t) => {
      const { db, clock } = await identity(t, engine);
      const sam = sandboxPeople.sam;
      const own = await createAccount(db, sam.id, { name: 'Sam Home' }, seconds(clock));
      const tokyo = await createAccount(db, sam.id, { name: 'Sam Tokyo', timeZone: 'asia/tokyo' }, seconds(clock));
      assert.equal(tokyo.timeZone, 'Asia/Tokyo');
      const accounts = await personAccounts(db, sam.id);
      const home = accounts.find((account) => account.accountId === own.accountId);
      assert.deepEqual(home && [home.role, home.timeZone], ['admin', 'America/New_York']);
    });

    it('refuses an operator naming an address without a login', async (t) => {
      const { db, clock } = await identity(t, engine);
      await assert.rejects(createAccountForEmail(db, 'ghost@example.com', { name: 'Ghost' }, seconds(clock)), /No login has the address ghost@example\.com/);
    });
  });
}

// The invitation rules on a real database, without HTTP: who may share which
// door, the window a sharing User may give, the single-use link, and removal.
import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import type { Kysely } from 'kysely';
import { acceptInvitation, signUpAndAccept } from '../../src/access/accept-invitation.ts';
import { authenticatePerson } from '../../src/access/authenticate-person.ts';
import { visibleDoors } from '../../src/access/door-policy.ts';
import { DomainError, type ErrorCode } from '../../src/access/errors.ts';
import { describeInvitation, inviteToDoors, invitationSeconds, type InviteInput } from '../../src/access/invitations.ts';
import { removeAccess } from '../../src/access/remove-access.ts';
import { readMailbox, mailboxMailer } from '../../src/mail/mailbox.ts';
import { unconfiguredMailer, type Mailer } from '../../src/mail/mailer.ts';
import { samGateHours, sandboxAccounts, sandboxDoors, sandboxPassword, sandboxPeople } from '../../src/sandbox/seed.ts';
import type { Database } from '../../src/store/database.ts';
import { findMembership, setMemberSharing } from '../../src/store/repositories/accounts.ts';
import { upsertDoorAccess } from '../../src/store/repositories/door-access.ts';
import { engines } from '../helpers/build-app.ts';
import { sandboxDatabase } from '../helpers/sandbox-db.ts';
import { systemClock } from '../../src/clock.ts';

const publicUrl = 'https://parqex.example';
const alex = { personId: sandboxPeople.alex.id };
const sam = { personId: sandboxPeople.sam.id };
const nora = { personId: sandboxPeople.nora.id };
const throttle = { maxFailuresPerAccount: 5, maxFailuresPerAddress: 20, lockoutSeconds: 900 };
const inAWeek = () => new Date(Date.now() + 7 * 86400_000).toISOString();

function refusedWith(code: ErrorCode, message?: RegExp) {
  return (error: unknown) => {
    assert.ok(error instanceof DomainError, `expected a DomainError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    if (message) assert.match(error.message, message);
    return true;
  };
}

async function setup(t: TestContext, engine: 'sqlite' | 'postgres', mailer?: Mailer) {
  const db = await sandboxDatabase(t, engine);
  return { db, deps: { db, clock: systemClock, mailer: mailer ?? mailboxMailer(db), publicUrl } };
}

/** The token of the newest invitation mail, read from the mailbox as the person would. */
/** The link of the newest mail (to `to`, when given: two mails of one millisecond have no order). */
async function linkToken(db: Kysely<Database>, to?: string): Promise<string> {
  const [mail] = (await readMailbox(db)).filter((entry) => to === undefined || entry.to === to);
  const match = new RegExp(`${publicUrl}/invitations/([A-Za-z0-9_-]+)`).exec(mail?.text ?? '');
  assert.ok(match, `no invitation link in ${mail?.text}`);
  return match[1]!;
}

async function doorIdsOf(db: Kysely<Database>, personId: string): Promise<string[]> {
  return (await visibleDoors(db, { personId }, new Date())).map((door) => door.id);
}

for (const engine of engines()) {
  describe(`invitations [${engine}]`, () => {
    it('lets the Admin invite an address: one mail with a single-use link, only its hash stored, valid for 7 days', async (t) => {
      const { db, deps } = await setup(t, engine);
      const before = Math.floor(Date.now() / 1000);
      const invitation = await inviteToDoors(deps, alex, { email_address: '  Guest@Example.com ', door_ids: [sandboxDoors.lobby.id.replace(/-/g, '').toUpperCase()] });
      assert.equal(invitation.email, 'guest@example.com');
      assert.deepEqual(invitation.doorIds, [sandboxDoors.lobby.id]);
      assert.ok(invitation.expiresAt >= before + invitationSeconds && invitation.expiresAt <= before + invitationSeconds + 5);
      const mail = await readMailbox(db);
      assert.equal(mail.length, 1);
      assert.equal(mail[0]!.to, 'guest@example.com');
      assert.match(mail[0]!.subject, /Alex Admin shared access with you/);
      assert.match(mail[0]!.text, /Lobby Door \(Sandbox Residence\)/);
      const token = await linkToken(db);
      const stored = JSON.stringify(await db.selectFrom('invitations').selectAll().execute());
      assert.ok(!stored.includes(token), 'the token is stored only as a hash');
      const view = await describeInvitation(db, token, new Date());
      assert.equal(view.email, 'guest@example.com');
      assert.equal(view.loginExists, false);
      assert.deepEqual(view.doors, [{ name: 'Lobby Door', accountName: 'Sandbox Residence', timeZone: 'America/New_York' }]);
    });

    it('refuses bad input naming the field, before looking at any door', async (t) => {
      const { deps } = await setup(t, engine);
      const lobby = sandboxDoors.lobby.id;
      const cases: [InviteInput, RegExp][] = [
        [{ door_ids: [lobby] }, /^email_address is required/],
        [{ email_address: 'not-an-address', door_ids: [lobby] }, /^Invalid email_address/],
        [{ email_address: 'a@example.com' }, /^door_ids is required/],
        [{ email_address: 'a@example.com', door_ids: [] }, /^Invalid door_ids/],
        [{ email_address: 'a@example.com', door_ids: Array.from({ length: 51 }, () => lobby) }, /^Invalid door_ids: at most 50/],
        [{ email_address: 'a@example.com', door_ids: ['5a0d-nope'] }, /^Invalid door_ids\[0\]/],
        [{ email_address: 'a@example.com', door_ids: [lobby], starts_at: 'tomorrow' }, /^Invalid starts_at/],
        [{ email_address: 'a@example.com', door_ids: [lobby], starts_at: '2030-01-02 00:00:00', ends_at: '2030-01-01T00:00:00Z' }, /^ends_at must be after starts_at/],
        [{ email_address: 'a@example.com', door_ids: [lobby], ends_at: '2001-01-01 00:00:00' }, /^ends_at must be in the future/],
        [{ email_address: 'a@example.com', door_ids: [lobby], weekly_hours: [{ days: ['monday'], start: '06:00', end: '22:00' }] }, /^Invalid weekly_hours/],
        [{ email_address: 'a@example.com', door_ids: [lobby], weekly_hours: 'always' }, /^Invalid weekly_hours/],
        [{ email_address: alexEmail(), door_ids: [lobby] }, /you cannot invite yourself/],
      ];
      for (const [input, message] of cases) {
        await assert.rejects(inviteToDoors(deps, alex, input), refusedWith('invalid', message), JSON.stringify(input));
      }
      // A door of another account is not found, even with a bad window beside it.
      await assert.rejects(inviteToDoors(deps, nora, { email_address: 'a@example.com', door_ids: [sandboxDoors.lobby.id] }), refusedWith('not_found'));
    });

    it('accepts both time forms and keeps the window', async (t) => {
      const { deps } = await setup(t, engine);
      const invitation = await inviteToDoors(deps, alex, {
        email_address: 'guest@example.com', door_ids: [sandboxDoors.garage.id],
        starts_at: '2030-01-01 08:00:00', ends_at: '2030-01-02T10:00:00+02:00',
        weekly_hours: [{ days: ['mon', 'tue'], start: '08:00', end: '18:00' }],
      });
      assert.equal(invitation.startsAt, Date.UTC(2030, 0, 1, 8) / 1000);
      assert.equal(invitation.endsAt, Date.UTC(2030, 0, 2, 8) / 1000);
      assert.deepEqual(invitation.weeklyHours, [{ days: ['mon', 'tue'], start: '08:00', end: '18:00' }]);
    });

    it('forbids a User without the sharing permission; a door they cannot see stays not found', async (t) => {
      const { db, deps } = await setup(t, engine);
      assert.equal((await findMembership(db, sandboxAccounts.residence.id, sam.personId))?.can_share, 0);
      await assert.rejects(inviteToDoors(deps, sam, { email_address: 'a@example.com', door_ids: [sandboxDoors.gate.id], ends_at: inAWeek() }),
        refusedWith('forbidden', /^You may not share this door\.$/));
      await assert.rejects(inviteToDoors(deps, sam, { email_address: 'a@example.com', door_ids: [sandboxDoors.garage.id], ends_at: inAWeek() }), refusedWith('not_found'));
      await assert.rejects(inviteToDoors(deps, nora, { email_address: 'a@example.com', door_ids: [sandboxDoors.gate.id] }), refusedWith('not_found'));
      assert.equal((await readMailbox(db)).length, 0);
    });

    it('lets a sharing User give no more than their own access: an end is required, within their window and hours', async (t) => {
      const { db, deps } = await setup(t, engine);
      await setMemberSharing(db, sandboxAccounts.residence.id, sam.personId, true);
      const gate = sandboxDoors.gate.id;
      const email = 'guest@example.com';
      await assert.rejects(inviteToDoors(deps, sam, { email_address: email, door_ids: [sandboxDoors.lobby.id] }), refusedWith('invalid', /^ends_at is required/));
      await assert.rejects(inviteToDoors(deps, sam, { email_address: email, door_ids: [gate], ends_at: inAWeek() }), refusedWith('invalid', /^weekly_hours is required/));
      await assert.rejects(inviteToDoors(deps, sam, { email_address: email, door_ids: [gate], ends_at: inAWeek(), weekly_hours: [{ days: ['sat'], start: '05:00', end: '12:00' }] }),
        refusedWith('invalid', /^weekly_hours goes beyond your own hours/));
      await assert.rejects(inviteToDoors(deps, sam, { email_address: email, door_ids: [gate], ends_at: inAWeek(), weekly_hours: [{ days: ['fri'], start: '21:00', end: '01:00' }] }),
        refusedWith('invalid', /^weekly_hours goes beyond/), 'an overnight slot past his 22:00');
      const within = await inviteToDoors(deps, sam, { email_address: email, door_ids: [gate], ends_at: inAWeek(), weekly_hours: [{ days: ['sat', 'sun'], start: '09:00', end: '17:00' }] });
      assert.deepEqual(within.doorIds, [gate]);
      // His own lobby access ends in three days: sharing it for a week is too long.
      const threeDays = Math.floor(Date.now() / 1000) + 3 * 86400;
      await upsertDoorAccess(db, { door_id: sandboxDoors.lobby.id, person_id: sam.personId, granted_by: alex.personId, starts_at: null, ends_at: threeDays, weekly_hours: null, created_at: 0 });
      await assert.rejects(inviteToDoors(deps, sam, { email_address: email, door_ids: [sandboxDoors.lobby.id], ends_at: inAWeek() }), refusedWith('invalid', /^ends_at is after your own access/));
      await inviteToDoors(deps, sam, { email_address: email, door_ids: [sandboxDoors.lobby.id], ends_at: new Date((threeDays - 60) * 1000).toISOString() });
      assert.equal((await readMailbox(db)).length, 2);
    });

    it('gives access at once to the invited person only, once, as a User of the account', async (t) => {
      const { db, deps } = await setup(t, engine);
      await inviteToDoors(deps, alex, { email_address: sandboxPeople.nora.email, door_ids: [sandboxDoors.lobby.id, sandboxDoors.garage.id], ends_at: inAWeek() });
      const token = await linkToken(db);
      await assert.rejects(acceptInvitation(deps, token, sam.personId), refusedWith('forbidden', /sent to nora\.neighbor@sandbox\.parqex\.test/));
      assert.ok(!(await doorIdsOf(db, sam.personId)).includes(sandboxDoors.garage.id));

      const granted = await acceptInvitation(deps, token, nora.personId);
      assert.deepEqual(granted.sort(), [sandboxDoors.garage.id, sandboxDoors.lobby.id].sort());
      const doors = await visibleDoors(db, nora, new Date());
      const lobby = doors.find((door) => door.id === sandboxDoors.lobby.id);
      assert.equal(lobby?.relationship, 'Has Access');
      assert.ok(lobby?.window?.endsAt);
      assert.equal((await findMembership(db, sandboxAccounts.residence.id, nora.personId))?.role, 'user');
      assert.equal((await findMembership(db, sandboxAccounts.neighbor.id, nora.personId))?.role, 'admin', 'her own account is untouched');

      await assert.rejects(acceptInvitation(deps, token, nora.personId), refusedWith('not_found', /^This invitation link is no longer valid\.$/));
      await assert.rejects(describeInvitation(db, token, new Date()), refusedWith('not_found'));
    });

    it('works once when the link is used twice at the same moment', async (t) => {
      const { db, deps } = await setup(t, engine);
      await inviteToDoors(deps, alex, { email_address: sandboxPeople.nora.email, door_ids: [sandboxDoors.lobby.id] });
      const token = await linkToken(db);
      const outcomes = await Promise.allSettled([acceptInvitation(deps, token, nora.personId), acceptInvitation(deps, token, nora.personId)]);
      assert.deepEqual(outcomes.map((outcome) => outcome.status).sort(), ['fulfilled', 'rejected']);
      const rejected = outcomes.find((outcome) => outcome.status === 'rejected');
      refusedWith('not_found')(rejected?.reason);
    });

    it('answers an expired or unknown link as no longer valid', async (t) => {
      const { db, deps } = await setup(t, engine);
      await inviteToDoors(deps, alex, { email_address: sandboxPeople.nora.email, door_ids: [sandboxDoors.lobby.id] });
      const token = await linkToken(db);
      const later = new Date(Date.now() + invitationSeconds * 1000 + 1000);
      await assert.rejects(acceptInvitation(deps, token, nora.personId, later), refusedWith('not_found', /no longer valid/));
      await assert.rejects(acceptInvitation(deps, `${token}x`, nora.personId), refusedWith('not_found'));
      await assert.rejects(acceptInvitation(deps, '', nora.personId), refusedWith('not_found'));
      assert.deepEqual(await acceptInvitation(deps, token, nora.personId), [sandboxDoors.lobby.id], 'still valid before it expires');
    });

    it('creates a login for the invited address only when it has none, then accepts', async (t) => {
      const { db, deps } = await setup(t, engine);
      await inviteToDoors(deps, alex, { email_address: 'new.person@example.com', door_ids: [sandboxDoors.lobby.id] });
      const token = await linkToken(db);
      await assert.rejects(signUpAndAccept(deps, token, { first_name: 'New', last_name: 'Person', password: 'short' }), refusedWith('invalid', /at least 10 characters/));
      await assert.rejects(signUpAndAccept(deps, token, { first_name: ' ', last_name: 'Person', password: 'long enough password' }), refusedWith('invalid', /first name/));
      const personId = await signUpAndAccept(deps, token, { first_name: 'New', last_name: 'Person', password: 'long enough password' });
      assert.equal(await authenticatePerson(db, throttle, { email: 'New.Person@example.com', password: 'long enough password', address: '127.0.0.1' }), personId);
      assert.deepEqual(await doorIdsOf(db, personId), [sandboxDoors.lobby.id]);
      await assert.rejects(signUpAndAccept(deps, token, { first_name: 'Again', last_name: 'Person', password: 'long enough password' }), refusedWith('not_found'));

      await inviteToDoors(deps, alex, { email_address: sandboxPeople.nora.email, door_ids: [sandboxDoors.lobby.id] });
      await assert.rejects(signUpAndAccept(deps, await linkToken(db, sandboxPeople.nora.email), { first_name: 'Fake', last_name: 'Nora', password: 'long enough password' }), refusedWith('invalid', /A login already exists/));
      assert.equal(await authenticatePerson(db, throttle, { email: sandboxPeople.nora.email, password: sandboxPassword, address: '127.0.0.1' }), nora.personId, 'her password is unchanged');
    });

    it('leaves out a door the inviter may no longer share when the link is used', async (t) => {
      const { db, deps } = await setup(t, engine);
      await setMemberSharing(db, sandboxAccounts.residence.id, sam.personId, true);
      await inviteToDoors(deps, sam, { email_address: sandboxPeople.nora.email, door_ids: [sandboxDoors.lobby.id], ends_at: inAWeek() });
      const token = await linkToken(db);
      await setMemberSharing(db, sandboxAccounts.residence.id, sam.personId, false);
      await assert.rejects(acceptInvitation(deps, token, nora.personId), refusedWith('not_found'));
      assert.ok(!(await doorIdsOf(db, nora.personId)).includes(sandboxDoors.lobby.id));
    });

    it('keeps no invitation, and announces none, when its mail cannot be sent', async (t) => {
      const { db, deps } = await setup(t, engine, unconfiguredMailer());
      await assert.rejects(inviteToDoors(deps, alex, { email_address: 'guest@example.com', door_ids: [sandboxDoors.lobby.id] }), /SMTP_URL is not set/);
      assert.equal((await db.selectFrom('invitations').select('id').execute()).length, 0);
      assert.equal((await db.selectFrom('outbox_events').select('id').where('type', '=', 'person_invited').execute()).length, 0);
    });
  });

  describe(`removing access [${engine}]`, () => {
    it("removes Sam's lobby access at once, and says not found when nothing is left to remove", async (t) => {
      const { db } = await setup(t, engine);
      assert.ok((await doorIdsOf(db, sam.personId)).includes(sandboxDoors.lobby.id));
      const removed = await removeAccess({ db, clock: systemClock }, alex, { user_id: sam.personId.replace(/-/g, ''), door_ids: [sandboxDoors.lobby.id] });
      assert.deepEqual(removed, { removedAccess: 1, cancelledInvitations: 0 });
      assert.deepEqual(await doorIdsOf(db, sam.personId), [sandboxDoors.gate.id]);
      await assert.rejects(removeAccess({ db, clock: systemClock }, alex, { email_address: sandboxPeople.sam.email, door_ids: [sandboxDoors.lobby.id] }), refusedWith('not_found', /No access or pending invitation matched/));
      // Without door_ids: every door Alex administers.
      assert.deepEqual(await removeAccess({ db, clock: systemClock }, alex, { email_address: sandboxPeople.sam.email.toUpperCase() }), { removedAccess: 1, cancelledInvitations: 0 });
      assert.deepEqual(await doorIdsOf(db, sam.personId), []);
    });

    it('cancels pending invitations to the address, so their link stops working', async (t) => {
      const { db, deps } = await setup(t, engine);
      await inviteToDoors(deps, alex, { email_address: 'guest@example.com', door_ids: [sandboxDoors.lobby.id, sandboxDoors.garage.id] });
      const token = await linkToken(db);
      assert.deepEqual(await removeAccess({ db, clock: systemClock }, alex, { email_address: 'guest@example.com', door_ids: [sandboxDoors.garage.id] }), { removedAccess: 0, cancelledInvitations: 1 });
      assert.deepEqual((await describeInvitation(db, token, new Date())).doors.map((door) => door.name), ['Lobby Door'], 'narrowed to the door left');
      await removeAccess({ db, clock: systemClock }, alex, { email_address: 'guest@example.com' });
      await assert.rejects(describeInvitation(db, token, new Date()), refusedWith('not_found'));
    });

    it('refuses bad input, forbids a User who may not manage the door, and hides doors of others', async (t) => {
      const { db } = await setup(t, engine);
      const cases: [Record<string, unknown>, RegExp][] = [
        [{}, /^email_address or user_id is required/],
        [{ email_address: 'a@example.com', user_id: sam.personId }, /not both/],
        [{ email_address: 'nope' }, /^Invalid email_address/],
        [{ user_id: 'nope' }, /^Invalid user_id/],
        [{ email_address: 'a@example.com', door_ids: [] }, /^Invalid door_ids/],
        [{ email_address: 'a@example.com', door_ids: ['x'] }, /^Invalid door_ids\[0\]/],
      ];
      for (const [input, message] of cases) await assert.rejects(removeAccess({ db, clock: systemClock }, alex, input), refusedWith('invalid', message), JSON.stringify(input));
      await assert.rejects(removeAccess({ db, clock: systemClock }, sam, { email_address: 'a@example.com', door_ids: [sandboxDoors.lobby.id] }), refusedWith('forbidden'));
      await assert.rejects(removeAccess({ db, clock: systemClock }, nora, { email_address: sandboxPeople.sam.email, door_ids: [sandboxDoors.lobby.id] }), refusedWith('not_found', /^No such door/));
      assert.ok((await doorIdsOf(db, sam.personId)).includes(sandboxDoors.lobby.id));
    });

    it("lets a sharing User remove only the access they gave, not the Admin's", async (t) => {
      const { db, deps } = await setup(t, engine);
      await setMemberSharing(db, sandboxAccounts.residence.id, sam.personId, true);
      await inviteToDoors(deps, sam, { email_address: sandboxPeople.nora.email, door_ids: [sandboxDoors.lobby.id], ends_at: inAWeek() });
      await acceptInvitation(deps, await linkToken(db), nora.personId);
      await upsertDoorAccess(db, { door_id: sandboxDoors.gate.id, person_id: nora.personId, granted_by: alex.personId, starts_at: null, ends_at: null, weekly_hours: JSON.stringify(samGateHours), created_at: 0 });
      assert.deepEqual(await removeAccess({ db, clock: systemClock }, sam, { email_address: sandboxPeople.nora.email }), { removedAccess: 1, cancelledInvitations: 0 });
      const left = await doorIdsOf(db, nora.personId);
      assert.ok(!left.includes(sandboxDoors.lobby.id));
      assert.ok(left.includes(sandboxDoors.gate.id), "the Admin's grant stays");
    });
  });
}

function alexEmail(): string {
  return sandboxPeople.alex.email.toUpperCase();
}

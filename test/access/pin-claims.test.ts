// One keypad PIN, one member per account (issue 9, item 7): joining an account
// never takes a PIN a member there holds, and the keypad opens for its holder.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DomainError } from '../../src/access/errors.ts';
import { updateSettings } from '../../src/access/settings.ts';
import { sandboxAccounts, sandboxDoors, sandboxPeople, sandboxPins } from '../../src/sandbox/seed.ts';
import { createBox, deriveKey } from '../../src/security/encryption.ts';
import { addMemberIfAbsent } from '../../src/store/repositories/accounts.ts';
import { signedInBrowser, storedSettings, submitAndFollow } from '../helpers/account-page.ts';
import { engines, startServer } from '../helpers/build-app.ts';
import { csrfToken, formAction } from '../helpers/browser.ts';
import { sandboxController, until } from '../helpers/controllers.ts';
import { callInvite, firstPartyToken, linkFromMailbox } from '../helpers/first-party.ts';
import { sandbox } from '../helpers/oauth.ts';

const { sam, nora } = sandboxPeople;
const notice = 'Your keypad PIN does not work at Sandbox Residence';

function pinForm(pin: string): Record<string, string> {
  return { notifications: 'on', tone: 'door_open', time_zone: 'America/New_York', pin, share_pin: 'on' };
}

/** Chooses a PIN on the Settings page; the message the page then shows at the top. */
async function choosePin(browser: Parameters<typeof submitAndFollow>[0], pin: string) {
  const outcome = await submitAndFollow(browser, '/account/settings/preferences', pinForm(pin), '/account/settings');
  assert.equal(outcome.answer.location, '/account/settings');
  return outcome.flash;
}
const saved = { info: 'Settings saved.' };

/** Who each keypad entry at the lobby opened for (null: refused), in no particular order. */
async function keypadOpeners(app: { db: any }): Promise<(string | null)[]> {
  const rows = await app.db.selectFrom('access_events').select(['person_id', 'was_success']).where('door_id', '=', sandboxDoors.lobby.id).where('channel', '=', 'Keypad').execute();
  return rows.map((row: { person_id: string | null; was_success: number }) => (row.was_success === 1 ? row.person_id : null));
}

for (const engine of engines()) {
  describe(`keypad PIN claims [${engine}]`, () => {
    it('keeps a PIN with the member who holds it when another person holding it joins; the joiner is told until they choose another', async (t) => {
      const { baseUrl, app } = await startServer(t, engine);
      const controller = await sandboxController(t, app, 'a');
      // Nora shares no account with Sam yet: Sam's PIN is hers to choose.
      const noraBrowser = await signedInBrowser(baseUrl, nora.email);
      assert.deepEqual(await choosePin(noraBrowser, sandboxPins.sam), saved);

      const invited = await callInvite(baseUrl, await firstPartyToken(baseUrl), 'POST', { email_address: nora.email, door_ids: [sandboxDoors.lobby.id] });
      assert.equal(invited.status, 200);
      const invitation = await noraBrowser.request(await linkFromMailbox(baseUrl, nora.email));
      const accepted = await noraBrowser.request(formAction(invitation.body), { form: { _csrf: csrfToken(invitation.body) } });
      assert.equal(accepted.status, 200, 'the accept page says what happened to the PIN');
      assert.match(accepted.body, new RegExp(`${notice}\\. Choose another PIN in your settings to use keypads there\\.`));
      assert.match(accepted.body, /Invitation accepted/);
      assert.match((await noraBrowser.request('/account')).body, new RegExp(notice));

      await controller.enterPin(sandboxDoors.lobby.entity_number, sandboxPins.sam);
      await until(async () => (await keypadOpeners(app)).length === 1);
      assert.deepEqual(await keypadOpeners(app), [sam.id], 'the PIN opens for Sam, who held it first');

      // A new PIN is claimed in every account of hers; the notice goes.
      assert.deepEqual(await choosePin(noraBrowser, '1111'), saved);
      assert.doesNotMatch((await noraBrowser.request('/account')).body, new RegExp(notice));
      await controller.enterPin(sandboxDoors.lobby.entity_number, '1111');
      await until(async () => (await keypadOpeners(app)).length === 2);
      assert.deepEqual((await keypadOpeners(app)).sort(), [sam.id, nora.id].sort(), 'the new PIN opens for Nora');

      // And now Sam cannot take hers: the neutral refusal.
      const samBrowser = await signedInBrowser(baseUrl, sam.email);
      assert.deepEqual(await choosePin(samBrowser, '1111'), { error: 'This PIN cannot be used. Please choose another one.' });
      const samSettings = await storedSettings(app, sam.id);
      assert.equal(samSettings.pin, sandboxPins.sam, 'Sam keeps his PIN');
    });

    it('does not open for the joiner\'s PIN even after its holder moves to another one', async (t) => {
      const { baseUrl, app } = await startServer(t, engine);
      const controller = await sandboxController(t, app, 'a');
      const noraBrowser = await signedInBrowser(baseUrl, nora.email);
      assert.deepEqual(await choosePin(noraBrowser, sandboxPins.sam), saved);
      await callInvite(baseUrl, await firstPartyToken(baseUrl), 'POST', { email_address: nora.email, door_ids: [sandboxDoors.lobby.id] });
      const invitation = await noraBrowser.request(await linkFromMailbox(baseUrl, nora.email));
      await noraBrowser.request(formAction(invitation.body), { form: { _csrf: csrfToken(invitation.body) } });
      const samBrowser = await signedInBrowser(baseUrl, sam.email);
      assert.deepEqual(await choosePin(samBrowser, '86420'), saved);

      await controller.enterPin(sandboxDoors.lobby.entity_number, sandboxPins.sam);
      await until(async () => (await keypadOpeners(app)).length === 1);
      assert.deepEqual(await keypadOpeners(app), [null]);
      assert.equal(controller.movements, 0);
    });

    it('lets only one of two members choosing the same PIN at once have it', async (t) => {
      const { app } = await startServer(t, engine);
      const { db } = app;
      const key = app.config.secrets.encryptionKey;
      const deps = { db, box: createBox(key), pinKey: deriveKey(key, 'pin lookup') };
      // Nora joins the Residence with no PIN; then she and Sam race for one.
      await addMemberIfAbsent(db, { account_id: sandboxAccounts.residence.id, person_id: nora.id, role: 'user', created_at: 1 });
      for (let round = 0; round < 5; round += 1) {
        const pin = `7${round}7${round}7`;
        const outcomes = await Promise.allSettled([updateSettings(deps, sam.id, { pin }), updateSettings(deps, nora.id, { pin })]);
        assert.equal(outcomes.filter((o) => o.status === 'fulfilled').length, 1, `round ${round}`);
        const refusal = outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult;
        assert.ok(refusal.reason instanceof DomainError && refusal.reason.code === 'invalid', String(refusal.reason));
      }
    });
  });
}

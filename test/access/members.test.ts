// The rules of members and permissions (phase2.md A.7), without HTTP.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { systemClock } from '../../src/clock.ts';
import { DomainError } from '../../src/access/errors.ts';
import { changeMemberPermissions, listMembers, permissionsOf, readPermissions, removeMember } from '../../src/access/members.ts';
import { sandboxAccounts, sandboxDoors, sandboxPeople } from '../../src/sandbox/seed.ts';
import { setPersonalDoorName } from '../../src/store/repositories/doors.ts';
import { insertInvitation } from '../../src/store/repositories/invitations.ts';
import { engines } from '../helpers/build-app.ts';
import { sandboxDatabase } from '../helpers/sandbox-db.ts';

const { alex, sam, gia, nora } = sandboxPeople;
const residence = sandboxAccounts.residence.id;
const refusedWith = (code: string) => (error: unknown) => error instanceof DomainError && error.code === code;

describe('permissions', () => {
  it('are read from the columns, in a fixed order, and the Admin holds all whatever the columns say', () => {
    assert.deepEqual(permissionsOf({ role: 'user', can_share: 0, can_issue_guests: 1, can_enforce: 1 }), ['guests', 'enforcement']);
    assert.deepEqual(permissionsOf({ role: 'user', can_share: 0, can_issue_guests: 0, can_enforce: 0 }), []);
    assert.deepEqual(permissionsOf({ role: 'admin', can_share: 0, can_issue_guests: 0, can_enforce: 0 }), ['share', 'guests', 'enforcement']);
  });

  it('are given as a list of known names, repeats ignored, anything else refused naming the item', () => {
    assert.deepEqual(readPermissions(['enforcement', 'share', 'share']), ['share', 'enforcement']);
    assert.deepEqual(readPermissions([]), []);
    assert.throws(() => readPermissions('share'), /Invalid permissions:/);
    assert.throws(() => readPermissions(['share', 'admin']), /Invalid permissions\[1\]/);
  });
});

for (const engine of engines()) {
  describe(`members [${engine}]`, () => {
    it('are listed and changed by the Admin only; another member is forbidden, an outsider not found', async (t) => {
      const db = await sandboxDatabase(t, engine);
      const page = await listMembers(db, alex.id, residence);
      assert.deepEqual(page.members.map((member) => member.personId).sort(), [alex.id, sam.id, gia.id].sort());
      await assert.rejects(listMembers(db, sam.id, residence), refusedWith('forbidden'));
      await assert.rejects(listMembers(db, nora.id, residence), refusedWith('not_found'));
      await assert.rejects(changeMemberPermissions({ db, clock: systemClock }, gia.id, residence, sam.id, ['share']), refusedWith('forbidden'));
      await assert.rejects(changeMemberPermissions({ db, clock: systemClock }, alex.id, residence, alex.id, []), refusedWith('invalid'));
      await assert.rejects(changeMemberPermissions({ db, clock: systemClock }, alex.id, residence, nora.id, []), refusedWith('not_found'));
      const changed = await changeMemberPermissions({ db, clock: systemClock }, alex.id, residence, gia.id, ['share']);
      assert.deepEqual(changed.permissions, ['share']);
    });

    it('the Admin cannot remove themselves; removing a member ends their access, invitations there, PIN claim, door names and membership together', async (t) => {
      const db = await sandboxDatabase(t, engine);
      const deps = { db, clock: systemClock };
      await assert.rejects(removeMember(deps, alex.id, residence, alex.id), refusedWith('invalid'));
      await assert.rejects(removeMember(deps, sam.id, residence, gia.id), refusedWith('forbidden'));
      await setPersonalDoorName(db, gia.id, sandboxDoors.lobby.id, 'Front');
      const now = Math.floor(Date.now() / 1000);
      const invitation = (id: string, doorIds: string[]) => ({
        id, token_hash: `hash-${id}`, email: gia.email, invited_by: alex.id, door_ids: JSON.stringify(doorIds), starts_at: null, ends_at: null, weekly_hours: null,
        created_at: now, expires_at: now + 3600, accepted_at: null, accepted_by: null,
      });
      await insertInvitation(db, invitation('00000000-0000-4000-8000-0000000000a1', [sandboxDoors.garage.id]));
      // Nora's door stays on an invitation that named both accounts' doors.
      await insertInvitation(db, { ...invitation('00000000-0000-4000-8000-0000000000a2', [sandboxDoors.garage.id, sandboxDoors.neighborGarage.id]), invited_by: nora.id });
      assert.equal((await db.selectFrom('pin_claims').select('person_id').where('person_id', '=', gia.id).execute()).length, 1);

      const removed = await removeMember(deps, alex.id, residence, gia.id);
      assert.deepEqual([...removed.removedDoorIds].sort(), [sandboxDoors.gate.id, sandboxDoors.lobby.id].sort());
      assert.equal(removed.cancelledInvitations, 2);
      const left = async (table: 'door_access' | 'pin_claims' | 'door_names' | 'account_members') =>
        (await db.selectFrom(table).select('person_id').where('person_id', '=', gia.id).execute()).length;
      assert.deepEqual([await left('door_access'), await left('pin_claims'), await left('door_names'), await left('account_members')], [0, 0, 0, 0]);
      const invitations = await db.selectFrom('invitations').select(['id', 'door_ids']).orderBy('id').execute();
      assert.deepEqual(invitations.map((row) => ({ ...row })), [{ id: '00000000-0000-4000-8000-0000000000a2', door_ids: JSON.stringify([sandboxDoors.neighborGarage.id]) }]);
      const types = (await db.selectFrom('outbox_events').select('type').execute()).map((row) => row.type).sort();
      assert.deepEqual(types, ['access_removed', 'access_removed', 'member_removed']);
    });
  });
}

// The Enforcer API (phase2.md C; Acceptance C 1-5 and issue 14's bad input)
// through HTTP on a manual clock, Wednesday 2026-03-04 10:00 in New York.
// Plate reads go through the engine's own function (plate-entry.ts) at the
// sandbox's Driveway Gate reader, against the server's database and clock.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sql } from 'kysely';
import { refusedAtDoor } from '../../src/access/refused-at-door.ts';
import { compactId } from '../../src/access/ids.ts';
import type { App } from '../../src/app.ts';
import type { ManualClock } from '../../src/clock.ts';
import { sandboxAccounts, sandboxDevices, sandboxDoors, sandboxPeople } from '../../src/sandbox/seed.ts';
import { call, refused, type Answer } from '../helpers/api-calls.ts';
import { engines, startServer } from '../helpers/build-app.ts';
import { apiBase } from '../helpers/first-party.ts';
import { sandboxTokens } from '../helpers/oauth.ts';
import { gateReader } from '../helpers/plate-reads.ts';

const { alex, sam, gia, nora } = sandboxPeople;
const residence = compactId(sandboxAccounts.residence.id);
const gate = sandboxDoors.gate;
const watchers = [alex.id, gia.id].sort();
const env = { PARQEX_WEBHOOKS: 'false', PARQEX_CLOCK: 'manual', PARQEX_CLOCK_START: '2026-03-04T10:00:00-05:00' };
const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(200, 7)]);
const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(200, 1)]);

async function upload(baseUrl: string, token: string, path: string, data: Buffer, declaredType: string, filename = 'photo.jpg'): Promise<Answer> {
  const form = new FormData();
  form.append('file', new Blob([data], { type: declaredType }), filename);
  const response = await fetch(`${baseUrl}${apiBase}/${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
  const text = await response.text();
  return { status: response.status, type: response.headers.get('content-type') ?? '', text, headers: response.headers, body: JSON.parse(text) };
}

async function events(app: App, type: string) {
  const rows = await app.db.selectFrom('outbox_events').select(['person_ids', 'account_id', 'data']).where('type', '=', type).orderBy('seq').execute();
  return rows.map((row) => ({ personIds: JSON.parse(row.person_ids ?? 'null') as string[], accountId: row.account_id, data: JSON.parse(row.data) }));
}

async function tokens(baseUrl: string) {
  const scope = 'enforcer';
  const [alexToken, giaToken, samToken, noraToken] = await Promise.all([alex, gia, sam, nora].map(async (person) => (await sandboxTokens(baseUrl, { email: person.email, scope })).access_token as string));
  return { alexToken: alexToken!, giaToken: giaToken!, samToken: samToken!, noraToken: noraToken! };
}

for (const engine of engines()) {
  describe(`Enforcer API [${engine}]`, () => {
    it('Alex adds VEND 42 (vendor, until 2026-03-31): 201 and allowance_added for Alex and Gia; overlapping 409 duplicate; Sam 403, Nora 404 (Acceptance C 1)', async (t) => {
      const { baseUrl, app } = await startServer(t, engine, env);
      const { alexToken, samToken, noraToken, giaToken } = await tokens(baseUrl);
      const body = { plate: 'VEND 42', category: 'vendor', holder_name: 'Acme Deliveries', ends_at: '2026-03-31 23:59:59' };
      const added = await call(baseUrl, alexToken, 'POST', 'enforcement/allowances', body);
      assert.equal(added.status, 201, added.text);
      assert.deepEqual({ ...added.body.data, id: undefined }, {
        id: undefined, plate: 'VEND42', region: null, category: 'vendor', holder_name: 'Acme Deliveries', unit: '', note: '',
        starts_at: '2026-03-04 15:00:00', ends_at: '2026-03-31 23:59:59', admit_door_ids: [], created_at: '2026-03-04 15:00:00',
      });
      assert.deepEqual(await events(app, 'allowance_added'), [{
        personIds: watchers, accountId: sandboxAccounts.residence.id,
        data: { allowanceID: added.body.data.id, plate: 'VEND42', category: 'vendor', startsAt: '2026-03-04T15:00:00Z', endsAt: '2026-03-31T23:59:59Z' },
      }]);
      refused(await call(baseUrl, alexToken, 'POST', 'enforcement/allowances', { plate: 'vend-42', category: 'resident', starts_at: '2026-03-20T00:00:00Z' }), 409, 'duplicate', /VEND42/);
      refused(await call(baseUrl, samToken, 'POST', 'enforcement/allowances', body), 403, 'forbidden');
      refused(await call(baseUrl, giaToken, 'POST', 'enforcement/allowances', body), 403, 'forbidden', /Admin/);
      refused(await call(baseUrl, noraToken, 'POST', 'enforcement/allowances', { ...body, account_id: residence }), 404, 'not_found');
      refused(await call(baseUrl, alexToken, 'POST', 'enforcement/allowances', { ...body, plate: 'NEW1', admit_door_ids: [compactId(sandboxDoors.neighborGarage.id)] }), 404, 'not_found', /door/);
      refused(await call(baseUrl, alexToken, 'POST', 'enforcement/allowances', { ...body, plate: 'NEW1', category: 'friend' }), 400, 'invalid', /category/);
      const listed = await call(baseUrl, giaToken, 'GET', 'enforcement/allowances?active=true');
      assert.deepEqual(listed.body.data.allowances.map((a: any) => a.plate), ['VEND42']);
      refused(await call(baseUrl, samToken, 'GET', 'enforcement/allowances'), 403, 'forbidden');
      // Ending it: announced, and kept in the list as not active.
      (app.clock as ManualClock).advance(60_000);
      const ended = await call(baseUrl, alexToken, 'DELETE', `enforcement/allowances/${added.body.data.id}`);
      assert.equal(ended.status, 200, ended.text);
      assert.equal(ended.body.data.ends_at, '2026-03-04 15:01:00');
      assert.equal((await events(app, 'allowance_ended')).length, 1);
      refused(await call(baseUrl, alexToken, 'DELETE', `enforcement/allowances/${added.body.data.id}`), 409, 'invalid_state');
      assert.deepEqual((await call(baseUrl, giaToken, 'GET', 'enforcement/allowances?active=false')).body.data.allowances.map((a: any) => a.plate), ['VEND42']);
    });

    it('Gia: VEND42 has status allowance; its read at the gate is refused, and with admit_door_ids [gate] granted as the system (Acceptance C 2)', async (t) => {
      const { baseUrl, app } = await startServer(t, engine, env);
      const { alexToken, giaToken } = await tokens(baseUrl);
      const read = await gateReader(app);
      const added = await call(baseUrl, alexToken, 'POST', 'enforcement/allowances', { plate: 'VEND 42', category: 'vendor', ends_at: '2026-03-31T23:59:59Z' });
      const status = await call(baseUrl, giaToken, 'GET', 'enforcement/plate-status?plate=VEND42');
      assert.equal(status.status, 200, status.text);
      assert.deepEqual([status.body.data.status, status.body.data.bases], ['allowance', [{ kind: 'allowance', id: added.body.data.id, valid_from: '2026-03-04 15:00:00', valid_until: '2026-03-31 23:59:59' }]]);
      assert.equal((await read('VEND42')).decision, 'refused', 'do not tow is not let in');
      (app.clock as ManualClock).advance(60_000);

      const changed = await call(baseUrl, alexToken, 'PATCH', `enforcement/allowances/${added.body.data.id}`, { admit_door_ids: [compactId(gate.id)] });
      assert.equal(changed.status, 200, changed.text);
      const granted = await read('VEND 42');
      assert.equal(granted.decision, 'granted');
      const kept = await app.db.selectFrom('plate_reads').select(['basis', 'basis_id', 'person_id']).where('decision', '=', 'granted').execute();
      assert.deepEqual(kept.map((row) => ({ ...row })), [{ basis: 'allowance', basis_id: added.body.data.id, person_id: null }]);
      const history = await app.db.selectFrom('access_events').select(['person_id', 'was_success']).where('door_id', '=', gate.id).where('was_success', '=', 1).execute();
      assert.deepEqual(history.map((row) => ({ ...row })), [{ person_id: null, was_success: 1 }], 'opened as the system: the history row names no user');
      assert.equal((await events(app, 'vehicle_admitted'))[0]!.data.basis, 'allowance');

      // Other answers of plate-status: a member's vehicle, a near match, unknown; recently expired after it ends.
      assert.equal((await call(baseUrl, giaToken, 'GET', 'enforcement/plate-status?plate=GIA404')).body.data.status, 'member_vehicle');
      const near = await call(baseUrl, giaToken, 'GET', 'enforcement/plate-status?plate=VEND4Z');
      assert.deepEqual([near.body.data.status, near.body.data.near_matches], ['unknown', ['VEND42']]);
      await call(baseUrl, alexToken, 'DELETE', `enforcement/allowances/${added.body.data.id}`);
      (app.clock as ManualClock).advance(3600_000);
      const expired = await call(baseUrl, giaToken, 'GET', 'enforcement/plate-status?plate=VEND42');
      assert.equal(expired.body.data.status, 'recently_expired');
      assert.equal(expired.body.data.last_read.decision, 'granted');
      const logged = await app.db.selectFrom('plate_lookups').select(['person_id', 'plate_key', 'purpose']).where('purpose', '=', 'status').execute();
      assert.equal(logged.length, 4);
      assert.ok(logged.every((row) => row.person_id === gia.id));
    });

    it('notices: vehicle_authorized, the override, PN-000001 and PN-000002 to Alex and Gia, status moves, Admin-only voiding, an append-only log (Acceptance C 3)', async (t) => {
      const { baseUrl, app } = await startServer(t, engine, env);
      const { alexToken, giaToken, samToken, noraToken } = await tokens(baseUrl);
      await call(baseUrl, alexToken, 'POST', 'enforcement/allowances', { plate: 'VEND 42', category: 'vendor', ends_at: '2026-03-31T23:59:59Z' });
      refused(await call(baseUrl, giaToken, 'POST', 'enforcement/notices', { kind: 'violation', plate: 'VEND42' }), 409, 'vehicle_authorized');
      refused(await call(baseUrl, giaToken, 'POST', 'enforcement/notices', { kind: 'violation', plate: 'VEND42', override_reason: 'blocking' }), 403, 'forbidden');
      const overridden = await call(baseUrl, alexToken, 'POST', 'enforcement/notices', { kind: 'violation', plate: 'VEND42', override_reason: 'Parked across the fire lane' });
      assert.equal(overridden.status, 201, overridden.text);
      assert.deepEqual([overridden.body.data.number, overridden.body.data.status, overridden.body.data.override_reason], ['PN-000001', 'issued', 'Parked across the fire lane']);
      const issued = await call(baseUrl, giaToken, 'POST', 'enforcement/notices', { kind: 'warning', plate: 'zzz 999', location: 'Visitor bay 3', observed_at: '2026-03-04T09:55:00-05:00' });
      assert.equal(issued.status, 201, issued.text);
      assert.deepEqual([issued.body.data.number, issued.body.data.observed_at, issued.body.data.issued_by], ['PN-000002', '2026-03-04 14:55:00', gia.id]);
      const announced = await events(app, 'parking_notice_issued');
      assert.deepEqual(announced.map((event) => [event.data.number, event.personIds]), [['PN-000001', watchers], ['PN-000002', watchers]]);
      assert.ok(!announced.some((event) => event.personIds.includes(sam.id)));
      refused(await call(baseUrl, giaToken, 'POST', 'enforcement/notices', { kind: 'warning', plate: 'ZZZ999', observed_at: '2026-03-04T10:05:00-05:00' }), 400, 'invalid', /observed_at/);

      const id = issued.body.data.id;
      for (const status of ['towed', 'resolved']) assert.equal((await call(baseUrl, giaToken, 'POST', `enforcement/notices/${id}/status`, { status })).status, 200);
      refused(await call(baseUrl, giaToken, 'POST', `enforcement/notices/${id}/status`, { status: 'notified' }), 409, 'invalid_state');
      assert.deepEqual((await events(app, 'parking_notice_status_changed')).map((event) => [event.data.status, event.data.previousStatus]), [['towed', 'issued'], ['resolved', 'towed']]);
      refused(await call(baseUrl, giaToken, 'POST', 'enforcement/notices/PN-000001/status', { status: 'voided', note: 'mine' }), 403, 'forbidden');
      refused(await call(baseUrl, alexToken, 'POST', 'enforcement/notices/PN-000001/status', { status: 'voided' }), 400, 'invalid', /note/);
      assert.equal((await call(baseUrl, alexToken, 'POST', 'enforcement/notices/PN-000001/status', { status: 'voided', note: 'Issued in error' })).status, 200);
      refused(await call(baseUrl, alexToken, 'POST', 'enforcement/notices/PN-000001/status', { status: 'issued' }), 400, 'invalid', /status/);

      const detail = await call(baseUrl, giaToken, 'GET', `enforcement/notices/${id}`);
      assert.deepEqual(detail.body.data.status_log.map((entry: any) => [entry.status, entry.previous_status, entry.person?.first_name]), [['issued', null, 'Gia'], ['towed', 'issued', 'Gia'], ['resolved', 'towed', 'Gia']]);
      // Guessed numbers and other accounts: not found; a member without the permission: forbidden.
      refused(await call(baseUrl, noraToken, 'GET', 'enforcement/notices/PN-000001'), 404, 'not_found');
      refused(await call(baseUrl, noraToken, 'GET', `enforcement/notices/${id}?account_id=${residence}`), 404, 'not_found');
      refused(await call(baseUrl, samToken, 'GET', 'enforcement/notices/PN-000001'), 403, 'forbidden');
      refused(await call(baseUrl, giaToken, 'GET', 'enforcement/notices/PN-000099'), 404, 'not_found');

      await call(baseUrl, giaToken, 'POST', `enforcement/notices/${id}/remarks`, { text: 'Towed by Ace Towing' });
      for (const table of ['notice_status_log', 'notice_remarks']) {
        await assert.rejects(sql`update ${sql.table(table)} set person_id = null`.execute(app.db), /append-only/, `${table} refuses UPDATE`);
        await assert.rejects(sql`delete from ${sql.table(table)}`.execute(app.db), /append-only/, `${table} refuses DELETE`);
      }
      assert.equal((await app.db.selectFrom('notice_status_log').select('person_id').where('notice_id', '=', id).execute()).filter((row) => row.person_id === gia.id).length, 3);
    });

    it('three refused reads of ZZZ999 in ten minutes are one alert with 3 occurrences; rejected misread 200, accepted after 409 (Acceptance C 4)', async (t) => {
      const { baseUrl, app } = await startServer(t, engine, env);
      const { alexToken, giaToken, samToken } = await tokens(baseUrl);
      const read = await gateReader(app);
      for (let index = 0; index < 3; index += 1) {
        assert.equal((await read('ZZZ999')).decision, 'refused');
        (app.clock as ManualClock).advance(4 * 60_000);
      }
      const listed = await call(baseUrl, giaToken, 'GET', 'enforcement/alerts?state=open');
      assert.equal(listed.status, 200, listed.text);
      assert.deepEqual(listed.body.data.alerts.map((alert: any) => [alert.trigger, alert.plate, alert.occurrences, alert.door.name]), [['unauthorized_vehicle', 'ZZZ999', 3, 'Driveway Gate']]);
      const alertId = listed.body.data.alerts[0].id;
      const opened = await events(app, 'enforcement_alert_opened');
      assert.deepEqual(opened, [{ personIds: watchers, accountId: sandboxAccounts.residence.id, data: { alertID: alertId, trigger: 'unauthorized_vehicle', doorID: compactId(gate.id), plate: 'ZZZ999' } }]);
      refused(await call(baseUrl, samToken, 'POST', `enforcement/alerts/${alertId}/reject`, { reason: 'misread', note: 'x' }), 403, 'forbidden');
      refused(await call(baseUrl, giaToken, 'POST', `enforcement/alerts/${alertId}/reject`, { reason: 'mistake', note: 'x' }), 400, 'invalid', /reason/);
      const rejected = await call(baseUrl, giaToken, 'POST', `enforcement/alerts/${alertId}/reject`, { reason: 'misread', note: 'The camera read ZZZ990' });
      assert.equal(rejected.status, 200, rejected.text);
      assert.deepEqual([rejected.body.data.state, rejected.body.data.reason, rejected.body.data.resolved_by], ['rejected', 'misread', gia.id]);
      refused(await call(baseUrl, giaToken, 'POST', `enforcement/alerts/${alertId}/accept`, {}), 409, 'invalid_state');
      assert.deepEqual((await events(app, 'enforcement_alert_resolved')).map((event) => event.data), [{ alertID: alertId, state: 'rejected', reason: 'misread', noticeID: '' }]);

      // A watchlisted plate: a hit whatever is decided; accepting it issues a notice in the same transaction.
      assert.equal((await call(baseUrl, alexToken, 'POST', 'enforcement/watchlist', { plate: 'WATCH1' })).status, 201);
      refused(await call(baseUrl, alexToken, 'POST', 'enforcement/watchlist', { plate: 'watch-1' }), 409, 'duplicate');
      await read('WATCH1');
      const hits = (await call(baseUrl, giaToken, 'GET', 'enforcement/alerts?state=open')).body.data.alerts.filter((alert: any) => alert.trigger === 'watchlist_hit');
      assert.equal(hits.length, 1);
      await call(baseUrl, alexToken, 'POST', 'enforcement/allowances', { plate: 'WATCH1', category: 'guest' });
      refused(await call(baseUrl, giaToken, 'POST', `enforcement/alerts/${hits[0].id}/accept`, { issue_notice: { kind: 'warning' } }), 409, 'vehicle_authorized');
      assert.equal((await call(baseUrl, giaToken, 'GET', `enforcement/alerts/${hits[0].id}`)).body.data.state, 'open', 'a refused notice leaves the alert open');
      const accepted = await call(baseUrl, alexToken, 'POST', `enforcement/alerts/${hits[0].id}/accept`, { note: 'Ticketed', issue_notice: { kind: 'warning', override_reason: 'Watchlisted' } });
      assert.equal(accepted.status, 200, accepted.text);
      assert.deepEqual([accepted.body.data.alert.state, accepted.body.data.alert.notice_id, accepted.body.data.notice.alert_id, accepted.body.data.notice.plate], ['accepted', accepted.body.data.notice.id, hits[0].id, 'WATCH1']);
    });

    it('a door forced open twice within an hour is one forced_open alert; the keypad\'s tripped limit opens wrong_pin', async (t) => {
      const { app } = await startServer(t, engine, env);
      const at = Math.floor(app.clock.now() / 1000);
      const attempt = { doorId: gate.id, deviceId: sandboxDevices.a.id, channel: 'Door Sensor', reason: 'door forced open', occurredAt: at };
      await refusedAtDoor(app.db, { ...attempt, alert: 'forced_open' });
      await refusedAtDoor(app.db, { ...attempt, occurredAt: at + 1800, alert: 'forced_open' });
      await refusedAtDoor(app.db, { ...attempt, occurredAt: at + 1800 + 3601, alert: 'forced_open' });
      await refusedAtDoor(app.db, { ...attempt, channel: 'Keypad', reason: 'wrong keypad PIN', alert: 'wrong_pin' });
      const alerts = await app.db.selectFrom('enforcement_alerts').select(['trigger', 'occurrences', 'door_id']).orderBy('opened_at').orderBy('trigger').execute();
      assert.deepEqual(alerts.map((alert) => [alert.trigger, Number(alert.occurrences), alert.door_id]), [['forced_open', 2, gate.id], ['wrong_pin', 1, gate.id], ['forced_open', 1, gate.id]]);
    });

    it('evidence: a 6 MiB photo 413, a PNG sent as image/jpeg kept as image/png, text under an image type 400; served only to enforcers; the 61st status look-up in a minute 429 (Acceptance C 5)', async (t) => {
      const { baseUrl, app } = await startServer(t, engine, env);
      const { giaToken, samToken, noraToken, alexToken } = await tokens(baseUrl);
      const notice = await call(baseUrl, giaToken, 'POST', 'enforcement/notices', { kind: 'violation', plate: 'ZZZ999' });
      const path = `enforcement/notices/${notice.body.data.id}/evidence`;
      refused(await upload(baseUrl, giaToken, path, Buffer.concat([jpeg, Buffer.alloc(6 * 1024 * 1024)]), 'image/jpeg'), 413, 'too_large');
      refused(await upload(baseUrl, giaToken, path, Buffer.from('GIF89a not really a photo'), 'image/jpeg'), 400, 'invalid', /JPEG/);
      refused(await upload(baseUrl, giaToken, path, Buffer.from('<html>'), 'image/png', 'x.png'), 400, 'invalid');
      const kept = await upload(baseUrl, giaToken, path, png, 'image/jpeg', 'bay3.jpg');
      assert.equal(kept.status, 201, kept.text);
      assert.deepEqual([kept.body.data.content_type, kept.body.data.size, kept.body.data.person_id, kept.body.data.filename], ['image/png', png.length, gia.id, 'bay3.jpg']);
      assert.equal(kept.body.data.sha256, (await import('node:crypto')).createHash('sha256').update(png).digest('hex'));
      const justUnderLimit = await upload(baseUrl, alexToken, path, Buffer.concat([jpeg, Buffer.alloc(4 * 1024 * 1024)]), 'application/octet-stream', 'big.jpg');
      assert.equal(justUnderLimit.status, 201, justUnderLimit.text);
      assert.equal(justUnderLimit.body.data.content_type, 'image/jpeg');

      const filePath = `${path}/${kept.body.data.id}`;
      const served = await fetch(`${baseUrl}${apiBase}/${filePath}`, { headers: { authorization: `Bearer ${giaToken}` } });
      assert.equal(served.status, 200);
      assert.equal(served.headers.get('content-type'), 'image/png');
      assert.deepEqual(Buffer.from(await served.arrayBuffer()), png);
      assert.equal((await fetch(`${baseUrl}${apiBase}/${filePath}`)).status, 401);
      refused(await call(baseUrl, samToken, 'GET', filePath), 403, 'forbidden');
      refused(await call(baseUrl, noraToken, 'GET', `${filePath}?account_id=${residence}`), 404, 'not_found');
      refused(await upload(baseUrl, samToken, path, png, 'image/png'), 403, 'forbidden');
      assert.equal((await call(baseUrl, giaToken, 'GET', `enforcement/notices/${notice.body.data.id}`)).body.data.evidence.length, 2);
      const onDisk = (await import('node:fs')).readFileSync(`${app.config.evidenceDir}/${sandboxAccounts.residence.id}/${kept.body.data.sha256}`);
      assert.deepEqual(onDisk, png);
      await assert.rejects(sql`update notice_evidence set content_type = 'image/jpeg'`.execute(app.db), /append-only/);
      await assert.rejects(sql`delete from notice_evidence`.execute(app.db), /append-only/);

      for (let index = 1; index <= 60; index += 1) assert.equal((await call(baseUrl, giaToken, 'GET', 'enforcement/plate-status?plate=ZZZ999')).status, 200, `look-up ${index}`);
      const limited = await call(baseUrl, giaToken, 'GET', 'enforcement/plate-status?plate=ZZZ999');
      refused(limited, 429, 'rate_limited');
      assert.ok(Number(limited.headers.get('retry-after')) > 0);
      assert.equal((await call(baseUrl, alexToken, 'GET', 'enforcement/plate-status?plate=ZZZ999')).status, 200, 'the limit is per person');
    });

    it('exports notices as csv with formula cells prefixed; remarks are kept with their author; plate-search finds notices and allowances', async (t) => {
      const { baseUrl } = await startServer(t, engine, env);
      const { giaToken, alexToken } = await tokens(baseUrl);
      const issued = await call(baseUrl, giaToken, 'POST', 'enforcement/notices', { kind: 'warning', plate: 'ZZZ999', description: '=HYPERLINK("http://evil.example","click")', location: '@bay' });
      assert.equal(issued.status, 201, issued.text);
      const csv = await call(baseUrl, giaToken, 'GET', 'enforcement/notices?format=csv');
      assert.equal(csv.status, 200);
      assert.match(csv.type, /^text\/csv/);
      assert.ok(csv.text.includes('"\'=HYPERLINK(""http://evil.example"",""click"")"'), csv.text);
      assert.ok(csv.text.includes(",'@bay,"), csv.text);
      const remark = await call(baseUrl, giaToken, 'POST', `enforcement/notices/${issued.body.data.id}/remarks`, { text: 'Owner came back' });
      assert.equal(remark.status, 201, remark.text);
      refused(await call(baseUrl, giaToken, 'POST', `enforcement/notices/${issued.body.data.id}/remarks`, { text: '   ' }), 400, 'invalid', /text/);
      const detail = await call(baseUrl, giaToken, 'GET', `enforcement/notices/${issued.body.data.number}`);
      assert.deepEqual(detail.body.data.remarks.map((r: any) => [r.text, r.person.id]), [['Owner came back', gia.id]]);
      await call(baseUrl, alexToken, 'POST', 'enforcement/allowances', { plate: 'ZZZ999', category: 'guest', starts_at: '2026-03-05T00:00:00Z' });
      const found = await call(baseUrl, giaToken, 'GET', 'enforcement/plate-search?plate=zzz-999');
      assert.deepEqual([found.body.data.notices.length, found.body.data.allowances.length], [1, 1]);
      refused(await call(baseUrl, giaToken, 'GET', 'enforcement/notices?status=lost'), 400, 'invalid');
      refused(await call(baseUrl, giaToken, 'GET', 'enforcement/plate-status?plate=%3D%3D'), 400, 'invalid', /plate/);
      const wrongMethod = await fetch(`${baseUrl}${apiBase}/enforcement/notices/PN-000001`, { method: 'DELETE', headers: { authorization: `Bearer ${giaToken}` } });
      assert.equal(wrongMethod.status, 405);
    });
  });
}

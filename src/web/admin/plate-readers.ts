// Plate readers (Admins, on the Controllers page, under each controller): a
// channel of a claimed controller that sends plates, with the door its reads
// open, whether it lets vehicles in, out or both, the confidence a read needs,
// and how long a second read of one plate is ignored (phase2.md B.3). The
// rules and their refusals are lpr-readers.ts's.
import type { FastifyInstance } from 'fastify';
import { compactId } from '../../access/ids.ts';
import { maxRepeatWindowS, readerDirections, setReader, type Reader, type ReaderController } from '../../access/lpr-readers.ts';
import type { ReaderDirection } from '../../store/database.ts';
import { adminPoster, typed } from './admin-account.ts';
import { attempt, invalidMark } from '../form-outcome.ts';
import { adminPath } from '../app-layout.ts';
import { redirectWith, type Flash } from '../flash.ts';
import { formBody } from '../form-schemas.ts';
import { html, type Html } from '../html.ts';
import type { WebDeps } from '../index.ts';

const directionWords: Record<ReaderDirection, string> = {
  entry: 'Entry: lets vehicles in',
  exit: 'Exit: lets vehicles out, whatever their hours',
  both: 'Both: in, or out for a vehicle that came in',
};

const readerFields = ['door_id', 'direction', 'min_confidence', 'repeat_window_s', 'enabled'] as const;
type ReaderForm = Partial<Record<(typeof readerFields)[number], string>>;

const params = { type: 'object', properties: { id: { type: 'string', maxLength: 100 }, device: { type: 'string', maxLength: 100 }, entity: { type: 'string', pattern: '^[0-9]{1,3}$' } }, required: ['id', 'device', 'entity'] };

const formOf = (deviceId: string, entityNumber: number) => `reader-${compactId(deviceId)}-${entityNumber}`;

/** The readers of one controller; `doors` are every door of the account, which a reader may open. */
export function plateReadersSection(base: string, controller: ReaderController, doors: readonly { id: string; name: string }[], csrf: string, flash: Flash | undefined): Html {
  const id = compactId(controller.deviceId);
  return html`<h3 id="readers-${id}">Plate readers</h3>
<p class="muted">A channel becomes a plate reader when a camera sends plates on it. Until you change one, it opens the door on its own channel for vehicles coming in, needs a confidence of 0.80 and ignores the same plate for 30 seconds.</p>
<ul class="readers">${controller.readers.map((reader) => readerForm(base, controller, reader, doors, csrf, flash))}</ul>`;
}

function readerForm(base: string, controller: ReaderController, reader: Reader, doors: readonly { id: string; name: string }[], csrf: string, flash: Flash | undefined): Html {
  const form = formOf(controller.deviceId, reader.entityNumber);
  const refused = flash?.values?._form === form ? flash : undefined;
  const value = (name: (typeof readerFields)[number], current: string) => typed(refused, form, name, current);
  const doorValue = value('door_id', reader.doorId ?? '');
  const directionValue = value('direction', reader.direction);
  const enabled = refused ? refused.values?.enabled === 'true' : reader.enabled;
  const ownDoor = reader.doorId === null ? reader.door?.name : undefined;
  const summary = `${reader.door?.name ?? 'no door'} · ${reader.direction} · ${reader.minConfidence.toFixed(2)} · ${reader.repeatWindowS} s · ${reader.enabled ? 'on' : 'off'}${reader.isDefault ? ' (defaults)' : ''}`;
  return html`<li><details class="change reader"${refused ? html` open` : ''}>
<summary>Channel ${reader.entityNumber}<span class="muted">: ${summary}</span></summary>
<form method="post" action="${base}/${compactId(controller.deviceId)}/readers/${reader.entityNumber}" class="reader">
  <input type="hidden" name="_csrf" value="${csrf}">
  <label for="${form}-door">Door its reads open</label>
  <select id="${form}-door" name="door_id"${invalidMark(refused, 'door_id')}>
    <option value=""${doorValue === '' ? html` selected` : ''}>The door on channel ${reader.entityNumber}${ownDoor ? ` (${ownDoor})` : ''}</option>
    ${doors.map((door) => html`<option value="${door.id}"${doorValue === door.id ? html` selected` : ''}>${door.name}</option>`)}
  </select>
  <label for="${form}-direction">Direction</label>
  <select id="${form}-direction" name="direction"${invalidMark(refused, 'direction')}>
    ${readerDirections.map((direction) => html`<option value="${direction}"${directionValue === direction ? html` selected` : ''}>${directionWords[direction]}</option>`)}
  </select>
  <label for="${form}-confidence">Minimum confidence (0 to 1)</label>
  <input id="${form}-confidence" name="min_confidence" type="number" inputmode="decimal" min="0" max="1" step="0.01" required value="${value('min_confidence', String(reader.minConfidence))}"${invalidMark(refused, 'min_confidence')} aria-describedby="${form}-confidence-hint">
  <p class="muted" id="${form}-confidence-hint">Reads the camera is less sure of are kept but open nothing.</p>
  <label for="${form}-repeat">Repeat window (seconds, 0 to ${maxRepeatWindowS})</label>
  <input id="${form}-repeat" name="repeat_window_s" type="number" inputmode="numeric" min="0" max="${maxRepeatWindowS}" step="1" required value="${value('repeat_window_s', String(reader.repeatWindowS))}"${invalidMark(refused, 'repeat_window_s')} aria-describedby="${form}-repeat-hint">
  <p class="muted" id="${form}-repeat-hint">A plate let in here is not let in again within this time.</p>
  <label class="check"><input type="checkbox" name="enabled" value="true"${enabled ? html` checked` : ''}> Reader on</label>
  <button type="submit" class="secondary">Save reader on channel ${reader.entityNumber}<span class="visually-hidden"> of ${controller.name}</span></button>
</form></details></li>`;
}

/** A number field as typed; empty is no number at all (Number('') would be 0). */
function numberOf(text: string | undefined): number {
  return text === undefined || text.trim() === '' ? Number.NaN : Number(text);
}

export async function plateReaderForms(app: FastifyInstance, deps: WebDeps): Promise<void> {
  app.post<{ Params: { id: string; device: string; entity: string }; Body: ReaderForm | undefined }>('/accounts/:id/controllers/:device/readers/:entity', {
    schema: { hide: true, params, body: formBody({ door_id: 100, direction: 10, min_confidence: 20, repeat_window_s: 20, enabled: 10 }) },
    preHandler: app.csrfProtection,
  }, async (request, reply) => {
    const admin = await adminPoster(deps, request, reply, request.params.id);
    if (!admin) return reply;
    const base = adminPath(admin.accountId, 'controllers');
    const body = request.body ?? {};
    const entityNumber = Number(request.params.entity);
    const values = Object.fromEntries(readerFields.map((name) => [name, body[name] ?? '']));
    const saved = await attempt(() => setReader(deps.db, deps.clock, {
      accountId: admin.accountId, deviceId: request.params.device, entityNumber,
      input: { doorId: body.door_id || null, direction: body.direction ?? '', minConfidence: numberOf(body.min_confidence), repeatWindowS: numberOf(body.repeat_window_s), enabled: body.enabled === 'true' },
    }), { values: { ...values, _form: formOf(request.params.device, entityNumber) } });
    if (saved.refused) return redirectWith(reply, `${base}#flash`, saved.refused, deps.secureCookies);
    const reader = saved.value;
    return redirectWith(reply, base, { info: `Reader on channel ${entityNumber} saved: ${reader.direction}, ${reader.door?.name ?? 'no door'}, ${reader.enabled ? 'on' : 'off'}.` }, deps.secureCookies);
  });
}

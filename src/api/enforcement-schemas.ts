// Shapes the Enforcer's routes share (phase2.md C): a notice, an allowance,
// an alert, and how each is written out, in JSON and in csv.
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { EnforcerActor } from '../access/enforcer/common.ts';
import type { Alert } from '../access/enforcer/alerts.ts';
import type { Allowance } from '../access/enforcer/allowances.ts';
import type { Notice } from '../access/enforcer/notices.ts';
import { compactId } from '../access/ids.ts';
import type { ApiDeps } from './index.ts';
import { scopedAccount } from './auth.ts';
import { apiTimestamp } from './format.ts';

export const tags = ['Enforcer'];
export const describeMembers = 'The `enforcer` scope; the account\'s Admin and members with the enforcement permission (another member 403, anyone else 404).';
export const describeAdmin = 'The `enforcer` scope; the account\'s Admin only (another member 403, anyone else 404).';

const utc = (description: string) => Type.String({ description: `${description}, UTC "YYYY-MM-DD HH:MM:SS"` });
const utcOrNull = (description: string) => Type.Union([utc(description), Type.Null()], { description: `${description}; null when none` });
const hex = (description: string) => Type.String({ description: `${description}, 32 lowercase hex` });
const hexOrNull = (description: string) => Type.Union([hex(description), Type.Null()]);

/** The acting account and the actor, after the `enforcer` scope. */
export async function enforcerActor(deps: ApiDeps, request: FastifyRequest, accountInput: string | undefined): Promise<EnforcerActor> {
  const accountId = await scopedAccount(deps.db, request, accountInput, 'enforcer');
  return { accountId, personId: request.principal!.personId, clientId: request.principal!.clientId };
}

export const NoticeParams = Type.Object({ notice_id: Type.String({ maxLength: 64, description: 'The notice: its id (32 hex) or its number (PN-000001)' }) });

export const ApiNotice = Type.Object({
  id: hex('The notice'),
  number: Type.String({ description: 'PN-000001 onward, per account' }),
  kind: Type.Union([Type.Literal('warning'), Type.Literal('violation'), Type.Literal('tow_authorization')]),
  plate: Type.String({ description: 'The plate key' }),
  region: Type.Union([Type.String(), Type.Null()], { description: 'Lower-case region code; null when not known' }),
  make: Type.String(), model: Type.String(), color: Type.String(),
  location: Type.String(), description: Type.String(),
  observed_at: utc('When the vehicle was seen'),
  issued_by: Type.Union([Type.String({ description: 'A dashed UUID' }), Type.Null()]),
  status: Type.String({ description: 'issued; open: notified, appealed, tow_requested, towed; final: resolved, paid, released, dismissed, voided' }),
  amount: Type.Union([Type.Integer(), Type.Null()], { description: 'Only recorded: minor units' }),
  alert_id: hexOrNull('The alert it was issued from'),
  override_reason: Type.Union([Type.String(), Type.Null()], { description: 'The Admin\'s reason for issuing to a plate that had a basis' }),
  created_at: utc('When it was issued'),
  updated_at: utc('Its last status change'),
});

export function presentNotice(notice: Notice) {
  return {
    id: notice.id, number: notice.number, kind: notice.kind, plate: notice.plate, region: notice.region, make: notice.make, model: notice.model, color: notice.color,
    location: notice.location, description: notice.description, observed_at: apiTimestamp(notice.observedAt)!, issued_by: notice.issuedBy, status: notice.status,
    amount: notice.amount, alert_id: notice.alertId, override_reason: notice.overrideReason, created_at: apiTimestamp(notice.createdAt)!, updated_at: apiTimestamp(notice.updatedAt)!,
  };
}

export const ApiAllowance = Type.Object({
  id: hex('The allowance'),
  plate: Type.String({ description: 'The plate key' }),
  region: Type.Union([Type.String(), Type.Null()]),
  category: Type.String({ description: 'resident, employee, vendor, guest, service or other' }),
  holder_name: Type.String(), unit: Type.String(), note: Type.String(),
  starts_at: utc('Start'),
  ends_at: utcOrNull('End; null: ongoing'),
  admit_door_ids: Type.Array(hex('A door'), { description: 'Doors whose plate readers let the plate in, as the system' }),
  created_at: utc('When it was added'),
});

export function presentAllowance(allowance: Allowance) {
  return {
    id: allowance.id, plate: allowance.plate, region: allowance.region, category: allowance.category, holder_name: allowance.holderName, unit: allowance.unit, note: allowance.note,
    starts_at: apiTimestamp(allowance.startsAt)!, ends_at: apiTimestamp(allowance.endsAt), admit_door_ids: allowance.admitDoorIds.map(compactId), created_at: apiTimestamp(allowance.createdAt)!,
  };
}

export const ApiAlert = Type.Object({
  id: hex('The alert'),
  trigger: Type.String({ description: 'unauthorized_vehicle, watchlist_hit, wrong_pin, forced_open or overstay' }),
  door: Type.Union([Type.Object({ id: hex('The door'), name: Type.String() }), Type.Null()], { description: 'Its page links to the door\'s ordinary Open toggle' }),
  plate: Type.Union([Type.String(), Type.Null()]),
  read_id: hexOrNull('The plate read that opened it'),
  state: Type.Union([Type.Literal('open'), Type.Literal('accepted'), Type.Literal('rejected')]),
  occurrences: Type.Integer({ description: 'Repeats within an hour of the last raise it' }),
  opened_at: utc('Opened'), last_at: utc('Last occurrence'),
  resolved_by: Type.Union([Type.String({ description: 'A dashed UUID' }), Type.Null()]),
  resolved_at: utcOrNull('Resolved'),
  reason: Type.Union([Type.String(), Type.Null()], { description: 'A rejection\'s reason' }),
  note: Type.String(),
  notice_id: hexOrNull('The notice issued on accepting it'),
});

export function presentAlert(alert: Alert) {
  return {
    id: alert.id, trigger: alert.trigger, door: alert.door && { id: compactId(alert.door.id), name: alert.door.name }, plate: alert.plate, read_id: alert.readId, state: alert.state,
    occurrences: alert.occurrences, opened_at: apiTimestamp(alert.openedAt)!, last_at: apiTimestamp(alert.lastAt)!, resolved_by: alert.resolvedBy, resolved_at: apiTimestamp(alert.resolvedAt),
    reason: alert.reason, note: alert.note, notice_id: alert.noticeId,
  };
}

/** The notice fields a request sends (issuing, and accepting an alert with issue_notice). */
export const noticeFields = {
  kind: Type.String({ maxLength: 20, description: 'warning, violation or tow_authorization' }),
  plate: Type.String({ maxLength: 20, description: 'As typed; folded to its plate key' }),
  region: Type.Optional(Type.Union([Type.String({ maxLength: 32 }), Type.Null()])),
  make: Type.Optional(Type.String({ maxLength: 40 })),
  model: Type.Optional(Type.String({ maxLength: 40 })),
  color: Type.Optional(Type.String({ maxLength: 40 })),
  location: Type.Optional(Type.String({ maxLength: 200 })),
  description: Type.Optional(Type.String({ maxLength: 2000 })),
  observed_at: Type.Optional(Type.String({ maxLength: 40, description: 'ISO 8601 or "YYYY-MM-DD HH:MM:SS", UTC; now by default; ahead of now 400' })),
  amount: Type.Optional(Type.Union([Type.Integer({ minimum: 0 }), Type.Null()], { description: 'Minor units; only recorded' })),
  override_reason: Type.Optional(Type.String({ maxLength: 500, description: 'The Admin only: issue although the plate has a basis at observed_at (logged)' })),
};

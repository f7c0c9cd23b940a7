// Where access comes from. Each source answers, for one subject, which
// windows it holds on which doors; `decide` unites them. A new kind of access
// (guest passes, bookings) is one more source here, and no caller changes.
import type { Kysely } from 'kysely';
import type { Database } from '../store/database.ts';
import { doorAccessWindows } from '../store/repositories/door-access.ts';
import { doorsAdministeredBy } from '../store/repositories/doors.ts';
import { alwaysOpen } from './access-union.ts';
import type { AccessWindow, WeeklyHours } from './schedules.ts';

/** Who asks to pass: a person today; a plate or a guest pass later. */
export interface Subject {
  personId: string;
}

/** Spec A.2's kinds, in the order that names the basis when several allow. */
export const basisKinds = ['booking', 'guest_pass', 'admin', 'door_access', 'member_vehicle', 'allowance'] as const;
export type BasisKind = (typeof basisKinds)[number];

/** What let the subject in: the kind, the row behind it (Admin: the account; door_access: the door), and the person it belongs to. */
export interface Basis {
  kind: BasisKind;
  id: string;
  personId: string;
}

export interface SourceWindow {
  doorId: string;
  basis: Basis;
  window: AccessWindow;
  /** The zone of the door's account, where weekly hours are read. */
  timeZone: string;
}

export interface AccessSource {
  kind: BasisKind;
  /** The subject's windows on the listed doors (all their doors when undefined). */
  windows(db: Kysely<Database>, subject: Subject, doorIds: readonly string[] | undefined): Promise<SourceWindow[]>;
}

/** The Admin of a door's account may always operate it (as `door-policy.ts` shows it). */
export const adminSource: AccessSource = {
  kind: 'admin',
  async windows(db, subject, doorIds) {
    const rows = await doorsAdministeredBy(db, subject.personId, doorIds);
    return rows.map((row) => ({
      doorId: row.door_id,
      basis: { kind: 'admin', id: row.account_id, personId: subject.personId },
      window: alwaysOpen,
      timeZone: row.time_zone,
    }));
  },
};

export const doorAccessSource: AccessSource = {
  kind: 'door_access',
  async windows(db, subject, doorIds) {
    const rows = await doorAccessWindows(db, subject.personId, doorIds);
    return rows.map((row) => ({
      doorId: row.door_id,
      basis: { kind: 'door_access', id: row.door_id, personId: row.person_id },
      window: { startsAt: row.starts_at, endsAt: row.ends_at, weeklyHours: row.weekly_hours ? JSON.parse(row.weekly_hours) as WeeklyHours : null },
      timeZone: row.time_zone,
    }));
  },
};

export const accessSources: readonly AccessSource[] = [adminSource, doorAccessSource];

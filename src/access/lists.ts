// Paged lists and their csv exports (phase2.md section 0, Lists): `limit`
// 1-200 (50), an opaque cursor naming the last item shown, newest first; an
// export holds at most 10,000 rows.
import { DomainError } from './errors.ts';

export const defaultLimit = 50;
export const maxLimit = 200;
export const maxExportRows = 10_000;

/** What a list is asked for: a page, or with `all` the export. */
export interface ListPage {
  limit?: number;
  cursor?: string;
  /** Every matching item (at most maxExportRows, else refused) instead of a page. */
  all?: boolean;
}

/** The ids of rows made here: 32 lowercase hex. */
const hexId = /^[0-9a-f]{32}$/;

/** How many items the answer holds: the page's limit (checked), or the whole export. */
export function rowLimit(page: ListPage): number {
  return page.all ? maxExportRows : readLimit(page.limit);
}

/** The (time, id) the page starts after, when it has a cursor. */
export function cursorOf(page: ListPage, idPattern = hexId): { at: number; id: string } | undefined {
  return page.cursor === undefined ? undefined : readCursor(page.cursor, idPattern);
}

/** A page's limit; undefined is the default. */
function readLimit(limit: number | undefined): number {
  const value = limit ?? defaultLimit;
  if (!Number.isInteger(value) || value < 1 || value > maxLimit) throw new DomainError('invalid', `Invalid limit: a whole number from 1 to ${maxLimit}.`);
  return value;
}

/** The cursor after an item sorted by (time, id). */
export function cursorAfter(at: number, id: string): string {
  return Buffer.from(`${at}.${id}`).toString('base64url');
}

/** The (time, id) a cursor names; `idPattern` is what the list's ids look like. */
function readCursor(cursor: string, idPattern: RegExp): { at: number; id: string } {
  const match = /^(\d{1,15})\.(.{1,64})$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!match || !idPattern.test(match[2]!)) throw new DomainError('invalid', 'Invalid cursor: give the next_cursor of the previous page.');
  return { at: Number(match[1]), id: match[2]! };
}

/** An export larger than the cap is refused rather than cut short, so no one mistakes part of the list for all of it. */
function checkExportSize(rows: number): void {
  if (rows > maxExportRows) throw new DomainError('invalid', `The export has more than ${maxExportRows.toLocaleString('en-US')} rows: narrow it with the filters.`);
}

/**
 * A page from rows fetched with one more than the limit (that one says a next
 * page exists), or the whole export (checked against the cap).
 */
export function pageOf<Item>(rows: Item[], limit: number, all: boolean | undefined, cursorFor: (last: Item) => string): { items: Item[]; nextCursor: string | null } {
  if (all) checkExportSize(rows.length);
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items, nextCursor: !all && rows.length > limit && last !== undefined ? cursorFor(last) : null };
}

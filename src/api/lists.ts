// Paged lists of the API (phase2.md section 0, Lists): their query fields, their
// 200 (a JSON page or the csv export) and the answer. The bounds, the cursor and
// their refusals are the domain's (access/lists.ts); the routes only name the
// list's key, its item and its csv columns.
import type { FastifyReply } from 'fastify';
import { Type, type TSchema } from 'typebox';
import { defaultLimit, maxExportRows, maxLimit } from '../access/lists.ts';
import { sendCsv, type Cell } from './csv.ts';
import { unixNow } from './format.ts';
import { successEnvelope } from './schemas.ts';

/** Query fields of a page: the internal lists without an export take these alone. */
export const pageQueryFields = {
  limit: Type.Optional(Type.String({ pattern: '^[0-9]{1,3}$', description: `1 to ${maxLimit}, ${defaultLimit} by default` })),
  cursor: Type.Optional(Type.String({ maxLength: 200, description: 'next_cursor of the previous page' })),
};

/** Query fields of a paged Phase 2 list with a csv export. */
export const listQueryFields = {
  ...pageQueryFields,
  format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('csv')], {
    description: `csv: every matching item (at most ${maxExportRows.toLocaleString('en-US')}, else 400) as text/csv with a header row; cells starting = + - @ are prefixed with '`,
  })),
};

type ListQuery = { limit?: string; cursor?: string; format?: 'json' | 'csv' };

/** What a list's query asks for, as the domain's list functions take it. */
export function listPage(query: ListQuery): { limit?: number; cursor?: string; all: boolean } {
  return { limit: query.limit === undefined ? undefined : Number(query.limit), cursor: query.cursor, all: query.format === 'csv' };
}

const nextCursor = Type.Union([Type.String(), Type.Null()], { description: 'Pass as cursor for the next page; null on the last' });

/** A page's data: its items under `key`, and the cursor of the next. */
export function pageData(key: string, item: TSchema) {
  return Type.Object({ [key]: Type.Array(item), next_cursor: nextCursor });
}

/** A list's csv export: the file's name, the header, and an item's cells in the header's order. */
export interface CsvExport<Item> {
  filename: string;
  header: string[];
  row: (item: Item) => Cell[];
}

/**
 * A list answered under `key`: its 200 for the route's schema, and the answer
 * to a page of domain items (presented, then the export or the JSON page).
 */
export function listOf<Row, Item>(key: string, item: TSchema, present: (row: Row) => Item, csv: CsvExport<Item>) {
  return {
    response: { content: { 'application/json': { schema: successEnvelope(pageData(key, item)) }, 'text/csv': { schema: Type.String({ description: 'With format=csv' }) } } },
    send(reply: FastifyReply, query: ListQuery, page: { items: Row[]; nextCursor: string | null }) {
      const items = page.items.map(present);
      if (query.format === 'csv') return sendCsv(reply, csv.filename, csv.header, items.map(csv.row));
      return { success: true as const, timestamp: unixNow(), data: { [key]: items, next_cursor: page.nextCursor } };
    },
  };
}

// csv exports of Phase 2 lists (phase2.md section 0, Lists): RFC 4180 with a
// header row. A cell starting = + - @ (or a tab or carriage return, which some
// spreadsheets skip before one) is prefixed with ' so a spreadsheet
// shows it as text instead of running it as a formula (a plate, a reason or
// a name is typed by someone else).
import type { FastifyReply } from 'fastify';

export type Cell = string | number | boolean | null;

function cell(value: Cell): string {
  const text = value === null ? '' : String(value);
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function toCsv(header: string[], rows: Cell[][]): string {
  return [header, ...rows].map((row) => row.map(cell).join(',')).join('\r\n') + '\r\n';
}

export function sendCsv(reply: FastifyReply, filename: string, header: string[], rows: Cell[][]) {
  return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${filename}"`).send(toCsv(header, rows));
}

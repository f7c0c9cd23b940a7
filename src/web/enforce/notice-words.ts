// Notices in words, wherever the patrol pages show one: the kind, the status
// (and whether it is still open), and a notice as a card of a list.
import { zonedTime } from '../../access/hours-text.ts';
import { finalStatuses, type Notice, type NoticeStatus } from '../../access/enforcer/notices.ts';
import type { NoticeKind } from '../../store/database.ts';
import { html, type Html } from '../html.ts';

export const kindWords: Record<NoticeKind, string> = { warning: 'Warning', violation: 'Violation', tow_authorization: 'Tow authorization' };

export const statusWords: Record<NoticeStatus, string> = {
  issued: 'Issued', notified: 'Notified', appealed: 'Appealed', tow_requested: 'Tow requested', towed: 'Towed',
  resolved: 'Resolved', paid: 'Paid', released: 'Released', dismissed: 'Dismissed', voided: 'Voided',
};

export function isFinal(status: NoticeStatus): boolean {
  return (finalStatuses as readonly string[]).includes(status);
}

export function statusBadge(status: NoticeStatus): Html {
  return html`<span class="status-badge ${isFinal(status) ? 'final' : 'open'}">${statusWords[status]}</span>`;
}

/** The vehicle as a patroller describes it: plate and region, then colour, make and model when noted. */
export function vehicleWords(notice: Pick<Notice, 'plate' | 'region' | 'color' | 'make' | 'model'>): string {
  const looks = [notice.color, notice.make, notice.model].filter((part) => part !== '').join(' ');
  return `${notice.plate}${notice.region ? ` (${notice.region})` : ''}${looks ? `, ${looks}` : ''}`;
}

/** The path of a notice's page; notices go by their number, which is what a patroller reads and says. */
export function noticePath(base: string, notice: Pick<Notice, 'number'>): string {
  return `${base}/notices/${notice.number}`;
}

export function noticeCard(base: string, notice: Notice, zone: string, heading: 'h2' | 'h3' | 'h4'): Html {
  const title = html`<a href="${noticePath(base, notice)}">${notice.number}</a> · ${kindWords[notice.kind]}`;
  return html`<li>
  ${heading === 'h2' ? html`<h2>${title}</h2>` : heading === 'h3' ? html`<h3>${title}</h3>` : html`<h4>${title}</h4>`}
  <p><strong>${vehicleWords(notice)}</strong> ${statusBadge(notice.status)}</p>
  <p class="muted">${zonedTime(notice.observedAt, zone)}${notice.location ? ` · ${notice.location}` : ''}</p>
</li>`;
}

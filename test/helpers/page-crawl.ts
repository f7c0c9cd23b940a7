// Finds the pages and forms a person can reach by following links, so the
// page-wide checks (test/web/page-quality.browser.test.ts, page-safety.test.ts)
// cover pages added later without a list to keep up to date. Only GETs are
// made; anything that signs out or leaves the pages is never followed.
import { sandboxAccounts, sandboxDoors, sandboxPeople } from '../../src/sandbox/seed.ts';
import type { App } from '../../src/app.ts';
import { callInvite, firstPartyToken, linkFromMailbox } from './first-party.ts';
import { authorizationQuery } from './oauth.ts';

/** Where each crawl starts; every other page is found from these. */
export const signedOutEntries = ['/login', '/developers', '/nope'];
/** Tried when signed out, kept only when the server has them (another part of the product builds them). */
export const optionalSignedOutEntries = ['/signup', '/password-reset', '/dev/mailbox'];
export const signedInEntries = ['/account', '/developers', '/account/nope', '/accounts/x/nope'];

// Sign-out, the OAuth endpoints, the API and its reference UI (which carries its own scripts and CSP) are not pages of ours.
const skipped = /^\/(?:logout(?:\/|$)|oauth\/|api\/|docs(?:\/|$)|openapi\.json$|assets\/|favicon\.|healthz|readyz|metrics|\.well-known\/)/;

/** The same-origin page a link leads to, without its fragment; undefined for what is not followed. */
export function followable(href: string, from: string): string | undefined {
  let url: URL;
  try {
    url = new URL(href, from);
  } catch {
    return undefined;
  }
  if (url.origin !== new URL(from).origin || skipped.test(url.pathname)) return undefined;
  url.hash = '';
  return url.toString();
}

/** A path with its ids taken out: pages of one shape are one page to check. */
export function shapeOf(url: string): string {
  return new URL(url).pathname
    .split('/')
    .map((part) => (/^[0-9a-f-]{32,36}$/i.test(part) || /^\d+$/.test(part) || (part.length >= 20 && /^[\w-]+$/.test(part)) ? ':id' : part))
    .join('/');
}

export interface Visited {
  /** The URL asked for. */
  url: string;
  /** Where it ended after redirects on this server. */
  finalUrl: string;
  status: number;
  links: string[];
}

/**
 * Breadth-first from the entries: each page once (by final URL), at most
 * `perShape` pages of one shape (`/doors/:id/rename` for every door is one
 * form), at most `limit` pages in all.
 */
export async function crawl<T extends Visited>(entries: readonly string[], visit: (url: string) => Promise<T>, options: { limit?: number; perShape?: number } = {}): Promise<T[]> {
  const limit = options.limit ?? 60;
  const perShape = options.perShape ?? 2;
  const queue = [...entries];
  const asked = new Set<string>();
  const landed = new Set<string>();
  const shapes = new Map<string, number>();
  const pages: T[] = [];
  while (queue.length > 0 && pages.length < limit) {
    const url = queue.shift()!;
    if (asked.has(url)) continue;
    asked.add(url);
    const shape = shapeOf(url);
    if ((shapes.get(shape) ?? 0) >= perShape) continue;
    const page = await visit(url);
    if (landed.has(page.finalUrl)) continue;
    landed.add(page.finalUrl);
    const finalShape = shapeOf(page.finalUrl);
    shapes.set(finalShape, (shapes.get(finalShape) ?? 0) + 1);
    if (finalShape !== shape) shapes.set(shape, (shapes.get(shape) ?? 0) + 1);
    pages.push(page);
    for (const link of page.links) if (!asked.has(link)) queue.push(link);
  }
  return pages;
}

/** A file name part for a page: its path with ids as "id", "root" for /. */
export function slugOf(url: string): string {
  const slug = shapeOf(url).replace(/:id/g, 'id').replace(/[^\w-]+/g, '-').replace(/^-+|-+$/g, '');
  return slug || 'root';
}

// ---- Reading the server's own HTML (well-formed, quoted attributes) without a DOM.

const entities: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (whole, code: string) => {
    if (code[0] === '#') return String.fromCodePoint(code[1]?.toLowerCase() === 'x' ? parseInt(code.slice(2), 16) : parseInt(code.slice(1), 10));
    return entities[code.toLowerCase()] ?? whole;
  });
}

export function attributes(tag: string): Record<string, string> {
  const out: Record<string, string> = {};
  const inner = tag.replace(/^<\w+/, '').replace(/\/?>$/, '');
  for (const match of inner.matchAll(/([^\s=/>"']+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+)))?/g)) {
    out[match[1]!.toLowerCase()] = decodeEntities(match[2] ?? match[3] ?? match[4] ?? '');
  }
  return out;
}

/** The href of every link in a page, resolved against its URL, that a crawl follows. */
export function linksIn(body: string, pageUrl: string): string[] {
  return [...body.matchAll(/<a\b[^>]*>/gi)]
    .map((match) => attributes(match[0]).href)
    .flatMap((href) => (href ? [followable(href, pageUrl)] : []))
    .filter((url): url is string => url !== undefined);
}

export interface PostForm {
  action: string;
  /** What a browser would submit with the first submit button, CSRF token included when the page has one. */
  fields: [string, string][];
}

// A value the form's own rules accept for an empty field a person would have to fill in.
const filler: Record<string, string> = {
  email: 'probe@example.test', password: 'probe-password-123', number: '1', time: '08:00', date: '2030-01-02',
  'datetime-local': '2030-01-02T08:00', url: 'https://example.test/hook', tel: '+15550100', search: 'probe',
};

/** Every `<form method="post">` of a page with the fields a browser would send. */
export function postFormsIn(body: string, pageUrl: string): PostForm[] {
  const forms: PostForm[] = [];
  for (const match of body.matchAll(/<form\b[^>]*>([\s\S]*?)<\/form>/gi)) {
    const form = attributes(/^<form\b[^>]*>/i.exec(match[0])![0]);
    if ((form.method ?? 'get').toLowerCase() !== 'post') continue;
    const fields: [string, string][] = [];
    let submitted = false;
    for (const control of match[1]!.matchAll(/<(input|select|textarea|button)\b[^>]*>(?:([\s\S]*?)<\/\1>)?/gi)) {
      const kind = control[1]!.toLowerCase();
      const attrs = attributes(/^<\w+\b[^>]*>/.exec(control[0])![0]);
      const name = attrs.name;
      if (!name || 'disabled' in attrs) continue;
      if (kind === 'button' || (kind === 'input' && (attrs.type === 'submit' || attrs.type === 'image'))) {
        if ((attrs.type ?? 'submit') === 'submit' && !submitted) {
          fields.push([name, attrs.value ?? '']);
          submitted = true;
        }
        continue;
      }
      if (kind === 'select') {
        const options = [...(control[2] ?? '').matchAll(/<option\b[^>]*>/gi)].map((option) => attributes(option[0]));
        const chosen = options.find((option) => 'selected' in option) ?? options[0];
        if (chosen) fields.push([name, chosen.value ?? '']);
        continue;
      }
      if (kind === 'textarea') {
        fields.push([name, decodeEntities(control[2] ?? '') || ('required' in attrs ? 'probe' : '')]);
        continue;
      }
      const type = (attrs.type ?? 'text').toLowerCase();
      if (type === 'checkbox' || type === 'radio') {
        if ('checked' in attrs) fields.push([name, attrs.value ?? 'on']);
        continue;
      }
      if (type === 'file' || type === 'reset' || type === 'button') continue;
      const value = attrs.value ?? '';
      fields.push([name, value !== '' || !('required' in attrs) ? value : filler[type] ?? (type === 'hidden' ? '' : 'probe')]);
    }
    // A required radio group with none ticked: a person would pick one.
    for (const radio of match[1]!.matchAll(/<input\b[^>]*type="radio"[^>]*>/gi)) {
      const attrs = attributes(radio[0]);
      if (attrs.name && 'required' in attrs && !fields.some(([name]) => name === attrs.name)) fields.push([attrs.name, attrs.value ?? 'on']);
    }
    forms.push({ action: new URL(form.action ?? pageUrl, pageUrl).toString(), fields });
  }
  return forms;
}

// ---- User content with markup in it, where each kind of page shows it.

export const markup = {
  door: '<script>alert(1)</script>',
  otherDoor: '<img src=x onerror=alert(2)>',
  person: '"><svg onload=alert(3)>',
  vehicle: '<iframe src="javascript:alert(4)"></iframe>',
  account: 'Residence <b onclick=alert(5)>&amp; Co</b>',
  application: "Smart <img src=x onerror='alert(6)'> Home",
} as const;

/** Names things in the sandbox with markup: a door everyone sees, Sam's name, a vehicle's make, an account's name, the applications (a developer names them). */
export async function nameThingsWithMarkup(app: App): Promise<void> {
  await app.db.updateTable('doors').set({ name: markup.door }).where('id', '=', sandboxDoors.garage.id).execute();
  await app.db.updateTable('doors').set({ name: markup.otherDoor }).where('id', '=', sandboxDoors.gate.id).execute();
  await app.db.updateTable('people').set({ first_name: markup.person }).where('id', '=', sandboxPeople.sam.id).execute();
  await app.db.updateTable('vehicles').set({ make: markup.vehicle }).execute();
  await app.db.updateTable('accounts').set({ name: markup.account }).where('id', '=', sandboxAccounts.residence.id).execute();
  await app.db.updateTable('clients').set({ name: markup.application, description: markup.application }).where('is_sandbox', '=', 1).execute();
}

/** Alex invites an address without a login, so the invitation page shows its sign-up form; returns the link. */
export async function invitationLink(baseUrl: string): Promise<string> {
  const invited = await callInvite(baseUrl, await firstPartyToken(baseUrl), 'POST', { email_address: 'new.person@example.test', door_ids: [sandboxDoors.garage.id] });
  if (invited.status !== 200) throw new Error(`the invitation was refused: ${JSON.stringify(invited.body)}`);
  return linkFromMailbox(baseUrl, 'new.person@example.test');
}

/** An authorization request of the sandbox web client: signed in, it lands on the consent page. */
export function authorizationPath(baseUrl: string): string {
  return `/oauth/v2/endpoints/authorization/?${authorizationQuery(baseUrl)}`;
}

// The frame of every signed-in page: a skip link, the person's sections, the
// Admin's sections for the account being looked at, and sign-out. Pages give
// only their own content; the frame never changes between sections, so the
// navigation is learned once.
import { html, type Html } from './html.ts';
import { documentHead } from './layout.ts';
import type { Flash } from './flash.ts';

/** A section of the person's own: their doors, history, vehicles, applications, settings. */
export type PersonSection = 'doors' | 'history' | 'vehicles' | 'applications' | 'settings';
/** A section an Admin manages for one account. */
export type AdminSection = 'people' | 'controllers' | 'reads' | 'account';
export type Section = PersonSection | AdminSection | 'guests' | 'developers' | 'enforce';

export interface AdminAccountLink {
  accountId: string;
  name: string;
}

export interface AppPageOptions {
  title: string;
  sandbox: boolean;
  section: Section;
  csrf: string;
  /** Shown at the top right: who is signed in. */
  personName: string;
  /** Accounts the person is Admin of; their sections appear when there is one. */
  adminAccounts: readonly AdminAccountLink[];
  /** The person patrols at some account (its Admin, or the enforcement permission): the Enforce section is theirs. */
  enforces?: boolean;
  /** The account an Admin section is showing; the first of adminAccounts otherwise. */
  accountId?: string;
  /** What the previous form did or refused (src/web/flash.ts), said once at the top. */
  flash?: Flash;
  /** The Guests section is listed, beside Doors, for those who may issue guest passes somewhere. */
  mayIssueGuests?: boolean;
  /** Page scripts under /assets/: enhancements only, every page works without them. */
  scripts?: readonly string[];
}

const personSections: readonly [PersonSection, string, string][] = [
  ['doors', 'Doors', '/account'],
  ['history', 'History', '/account/history'],
  ['vehicles', 'Vehicles', '/account/vehicles'],
  ['applications', 'Applications', '/account/applications'],
  ['settings', 'Settings', '/account/settings'],
];

const adminSections: readonly [AdminSection, string, string][] = [
  ['people', 'People', 'people'],
  ['controllers', 'Controllers', 'controllers'],
  ['reads', 'Plate reads', 'reads'],
  ['account', 'Account', 'settings'],
];

/** The path of an Admin section of one account. */
export function adminPath(accountId: string, section: AdminSection): string {
  const slug = adminSections.find(([name]) => name === section)![2];
  return `/accounts/${accountId}/${slug}`;
}

export function appPage(options: AppPageOptions, body: Html): string {
  const current = options.adminAccounts.find((account) => account.accountId === options.accountId) ?? options.adminAccounts[0];
  const link = (section: Section, label: string, href: string) =>
    html`<li><a href="${href}"${options.section === section ? html` aria-current="page"` : ''}>${label}</a></li>`;
  return html`<!doctype html>
<html lang="en">
${documentHead(options.title, options.scripts)}
<body class="app">
<a class="skip" href="#main">Skip to content</a>
${options.sandbox ? html`<div class="sandbox-banner" role="status">Sandbox: test data with public passwords. Do not use real information.</div>` : ''}
<header class="top">
  <a class="brand" href="/account">ParqEx</a>
  <span class="who">${options.personName}</span>
  <form method="post" action="/logout" class="sign-out">
    <input type="hidden" name="_csrf" value="${options.csrf}">
    <button type="submit" class="link">Sign out</button>
  </form>
</header>
<nav class="sections" aria-label="Sections">
  <ul>${personSections.map(([section, label, href]) => html`${link(section, label, href)}${section === 'doors' && options.mayIssueGuests ? link('guests', 'Guests', '/account/guests') : ''}`)}${options.enforces ? link('enforce', 'Enforce', '/enforce') : ''}</ul>
  ${current ? html`<p class="nav-heading">${current.name}${options.adminAccounts.length > 1 ? html` · <a href="/accounts">switch</a>` : ''}</p>
  <ul>${adminSections.map(([section, label]) => link(section, label, adminPath(current.accountId, section)))}</ul>` : ''}
  <ul>${link('developers', 'Developers', '/developers')}</ul>
</nav>
<main id="main" class="content" tabindex="-1">
${options.flash?.error ? html`<p class="error" role="alert" id="flash" tabindex="-1">${options.flash.error}</p>` : ''}
${options.flash?.info ? html`<p class="notice" role="status" id="flash">${options.flash.info}</p>` : ''}
${body}
</main>
</body>
</html>`.value;
}

// /accounts: every account the person belongs to, their role and permissions
// there, and for the ones they administer the way into its sections. An
// Admin of several accounts picks one here.
import type { FastifyInstance } from 'fastify';
import { accountsOf, type Permission } from '../../access/members.ts';
import { adminPath } from '../app-layout.ts';
import { html } from '../html.ts';
import type { WebDeps } from '../index.ts';
import { pageViewer, sendAppPage } from '../signed-in.ts';

export const permissionLabels: Record<Permission, string> = {
  share: 'Share doors',
  guests: 'Issue guest passes',
  enforcement: 'Enforcement',
};

export async function accountsPage(app: FastifyInstance, deps: WebDeps): Promise<void> {
  app.get('/accounts', { schema: { hide: true } }, async (request, reply) => {
    const viewer = await pageViewer(deps, request, reply);
    if (!viewer) return reply;
    const accounts = await accountsOf(deps.db, viewer.personId);
    return sendAppPage(deps, reply, viewer, { title: 'Your accounts', section: 'account' }, html`
<h1>Your accounts</h1>
${accounts.length === 0 ? html`<p class="muted">You are not a member of any account yet. An invitation from an account's Admin makes you one.</p>` : html`
<ul class="accounts">${accounts.map((account) => {
      const id = account.id;
      return html`<li class="account-card">
  <h2>${account.name}</h2>
  <p class="muted">${account.role === 'admin' ? 'Admin' : 'User'} · hours read in ${account.timeZone} time</p>
  ${account.role === 'admin'
    ? html`<ul class="links"><li><a href="${adminPath(id, 'people')}">People and access</a></li><li><a href="${adminPath(id, 'controllers')}">Controllers</a></li><li><a href="${adminPath(id, 'reads')}">Plate reads</a></li><li><a href="${adminPath(id, 'account')}">Account settings</a></li></ul>`
    : html`<p>Your permissions: ${account.permissions.length === 0 ? 'none' : account.permissions.map((name) => permissionLabels[name]).join(', ')}</p>
  ${account.permissions.includes('enforcement') ? html`<ul class="links"><li><a href="${adminPath(id, 'reads')}">Plate reads</a></li></ul>` : ''}`}
</li>`;
    })}</ul>`}`);
  });
}

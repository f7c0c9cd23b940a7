import { html } from './html.ts';
import { layout } from './layout.ts';

export function errorPage(sandbox: boolean, title: string, message: string, detail?: string): string {
  return layout({ title, sandbox }, html`
<h1>${title}</h1>
<p class="error" role="alert">${message}</p>
${detail ? html`<p class="muted">${detail}</p>` : ''}
<p><a href="/account">Go to your account</a></p>`);
}

/** oidc-provider's errors that must not redirect (unknown client, unregistered redirect URI). */
export function oauthErrorPage(sandbox: boolean, out: { error: string; error_description?: string }): string {
  // A production application waiting for approval is unknown to the provider too (oauth/adapter.ts): say both.
  const description = out.error === 'invalid_client'
    ? 'ParqEx does not know this application, or it is a production application still waiting for ParqEx\'s approval.'
    : out.error_description ?? 'The request was not valid.';
  return errorPage(sandbox, 'This sign-in request cannot continue',
    description,
    `Error code: ${out.error}. Return to the application and try again, or contact its developer.`);
}

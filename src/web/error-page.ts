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
  return errorPage(sandbox, 'This sign-in request cannot continue',
    out.error_description ?? 'The request was not valid.',
    `Error code: ${out.error}. Return to the application and try again, or contact its developer.`);
}

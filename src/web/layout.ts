import { html, type Html } from './html.ts';

export interface LayoutOptions {
  title: string;
  sandbox: boolean;
}

/** The head every page shares; scripts are files under /assets/ (the CSP allows no inline script). */
export function documentHead(title: string, scripts: readonly string[] = []): Html {
  return html`<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${title} · ParqEx</title>
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/assets/parqex.css">
${scripts.map((script) => html`<script src="/assets/${script}" defer></script>`)}
</head>`;
}

/** A page outside the signed-in frame: sign-in, consent, invitations, errors. */
export function layout(options: LayoutOptions, body: Html): string {
  return html`<!doctype html>
<html lang="en">
${documentHead(options.title)}
<body>
${options.sandbox ? html`<div class="sandbox-banner" role="status">Sandbox: test data with public passwords. Do not use real information.</div>` : ''}
<main class="card">
<p class="brand"><a href="/">ParqEx</a></p>
${body}
</main>
</body>
</html>`.value;
}

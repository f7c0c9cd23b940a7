import { html, type Html } from './html.ts';

export interface LayoutOptions {
  title: string;
  sandbox: boolean;
}

export function layout(options: LayoutOptions, body: Html): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${options.title} · ParqEx</title>
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/assets/parqex.css">
</head>
<body>
${options.sandbox ? html`<div class="sandbox-banner" role="status">Sandbox: test data with public passwords. Do not use real information.</div>` : ''}
<main class="card">
<p class="brand"><a href="/">ParqEx</a></p>
${body}
</main>
</body>
</html>`.value;
}

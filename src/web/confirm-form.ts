// The form of a confirmation page ("Remove X?"): the one button that does it,
// beside the way back that keeps things as they are.
import { html, type Html } from './html.ts';

export function confirmForm(action: string, csrf: string, button: string, back: string): Html {
  return html`<form method="post" action="${action}" class="confirm">
  <input type="hidden" name="_csrf" value="${csrf}">
  <button type="submit" class="danger">${button}</button>
  <a href="${back}">Keep it</a>
</form>`;
}

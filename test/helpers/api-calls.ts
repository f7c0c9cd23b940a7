// Calling the resource API as an application does, and checking a Phase 2
// refusal: its status, its domain code, and nothing but the error envelope.
import assert from 'node:assert/strict';
import { apiBase } from './first-party.ts';

export interface Answer { status: number; type: string; body: any; text: string; headers: Headers }

/** `path` after the API prefix; a JSON body when given. */
export async function call(baseUrl: string, token: string, method: string, path: string, body?: unknown): Promise<Answer> {
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${baseUrl}${apiBase}/${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  const type = response.headers.get('content-type') ?? '';
  return { status: response.status, type, text, headers: response.headers, body: type.startsWith('application/json') ? JSON.parse(text) : undefined };
}

export function refused(answer: Answer, status: number, code: string, message?: RegExp): void {
  assert.equal(answer.status, status, answer.text);
  assert.equal(answer.body.errors[0].code, code, answer.text);
  assert.deepEqual(Object.keys(answer.body), ['errors']);
  if (message) assert.match(answer.body.errors[0].message, message);
}

// The OpenAPI 3.1 `webhooks` section of /openapi.json: every event type's
// body (envelope and fields) and headers, so integrators can generate and
// check receivers from the same document as the API.
import { Type } from 'typebox';
import { eventCatalogue, eventFieldSchemas } from './types.ts';

const headers = ([
  ['webhook-id', 'The delivery\'s id, equal to the body\'s id'],
  ['webhook-timestamp', 'When this attempt was signed, Unix seconds'],
  ['webhook-signature', 'v1,<base64 HMAC-SHA256 of "{webhook-id}.{webhook-timestamp}.{body}">; two, space-separated, during a secret rotation'],
  ['x-parqex-api-key', 'The endpoint\'s API key'],
] as const).map(([name, description]) => ({ name, in: 'header' as const, required: true, description, schema: { type: 'string' as const } }));

function body(name: string) {
  const door = name.startsWith('door<N>_');
  const fields = eventFieldSchemas[door ? 'door' : name as Exclude<keyof typeof eventFieldSchemas, 'door'>];
  return Type.Object({
    id: Type.String({ description: 'This delivery\'s id, 32 UPPERCASE hex; the same on every retry' }),
    eventType: door ? Type.String({ pattern: `^door[0-9]+_${name.slice('door<N>_'.length)}$` }) : Type.Literal(name),
    ...fields.properties,
    eventOccurred: Type.Integer({ description: 'When it happened, Unix seconds' }),
    eventOccurredUTC: Type.String({ description: 'The same instant, "YYYY-MM-DDTHH:MM:SSZ"' }),
    userID: Type.String({ description: 'The person who authorized the application, for whom this delivery is made, 32 lowercase hex' }),
  });
}

export function webhookDocs() {
  return Object.fromEntries(Object.entries(eventCatalogue).map(([name, entry]) => [name, {
    post: {
      tags: ['Webhook events'],
      summary: entry.description,
      description: `Category: ${entry.category}. Sent to each endpoint that asked for it; verify the signature first (docs/webhooks.md).`,
      parameters: headers,
      requestBody: { required: true, content: { 'application/json': { schema: body(name) } } },
      responses: { 200: { description: 'Any 2xx answer within 5 seconds acknowledges the delivery; anything else is retried' } },
    },
  }]));
}

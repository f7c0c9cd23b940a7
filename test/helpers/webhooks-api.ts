// Calls the webhooks API (/oauth/v1/webhooks) as an application would: HTTP
// Basic with its client credentials, each form-url-encoded first (RFC 6749 2.3.1).
export function basic(clientId: string, secret: string): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString('base64')}`;
}

export interface ApiAnswer {
  status: number;
  headers: Headers;
  body: any;
}

export function webhooksApi(baseUrl: string, authorization: string | undefined) {
  return async (method: string, path: string, body?: unknown): Promise<ApiAnswer> => {
    const headers: Record<string, string> = {};
    if (authorization !== undefined) headers.authorization = authorization;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${baseUrl}/oauth/v1/webhooks${path}`, { method, headers, body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body) });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
  };
}

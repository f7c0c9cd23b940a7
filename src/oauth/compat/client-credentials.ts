// Spec 3, step 3: "client_secret_basic (id and secret form-url-decoded),
// client_secret_post, and the query form; every confidential client may use
// any of them; credentials presented in two ways must agree."
// oidc-provider binds each client to one method, so every form is turned into
// one canonical Basic header, correctly form-encoded whatever the client did.
import { errors } from 'oidc-provider';

export interface ClientAuthParts {
  authorization: string | undefined;
  params: Record<string, string>;
}

export function canonicalClientAuth({ authorization, params }: ClientAuthParts): ClientAuthParts {
  const basic = authorization !== undefined ? parseBasic(authorization) : undefined;
  if (authorization !== undefined && basic === undefined) return { authorization, params };

  const { client_secret: postedSecret, ...rest } = params;
  const clientId = agree('client_id', basic?.clientId, params.client_id);
  const secret = agree('client_secret', basic?.secret, postedSecret);
  if (secret === undefined || clientId === undefined) {
    return { authorization: undefined, params: clientId === undefined ? rest : { ...rest, client_id: clientId } };
  }
  const header = `Basic ${Buffer.from(`${formEncode(clientId)}:${formEncode(secret)}`).toString('base64')}`;
  return { authorization: header, params: { ...rest, client_id: clientId } };
}

function agree(name: string, fromHeader: string | undefined, fromParams: string | undefined): string | undefined {
  if (fromHeader !== undefined && fromParams !== undefined && fromHeader !== fromParams) {
    throw new errors.InvalidRequest(`${name} in the Authorization header and in the request parameters differ`);
  }
  return fromHeader ?? fromParams;
}

/** HTTP Basic client credentials, each form-decoded (RFC 6749 2.3.1). */
export function parseBasic(header: string): { clientId: string; secret: string } | undefined {
  const match = /^basic\s+([A-Za-z0-9+/]+={0,2})\s*$/i.exec(header);
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon === -1) return undefined;
  return { clientId: formDecode(decoded.slice(0, colon)), secret: formDecode(decoded.slice(colon + 1)) };
}

/** RFC 6749 section 2.3.1; a client that skipped the encoding sent the raw value, which we keep. */
function formDecode(value: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, '%20'));
  } catch {
    return value;
  }
}

function formEncode(value: string): string {
  return encodeURIComponent(value);
}

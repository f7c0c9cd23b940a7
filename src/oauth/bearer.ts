// Access token to Principal: the only way the resource API touches the provider.
import type Provider from 'oidc-provider';

export interface Principal {
  personId: string;
  clientId: string;
  grantId: string;
  scopes: ReadonlySet<string>;
}

export type BearerVerifier = (token: string) => Promise<Principal | undefined>;

export function bearerVerifier(provider: Provider): BearerVerifier {
  return async (token) => {
    const accessToken = await provider.AccessToken.find(token);
    if (!accessToken || accessToken.isExpired || !accessToken.accountId || !accessToken.grantId || !accessToken.clientId) return undefined;
    // A revoked grant or a deleted client ends every token at once.
    const [grant, client] = await Promise.all([provider.Grant.find(accessToken.grantId), provider.Client.find(accessToken.clientId)]);
    if (!grant || !client) return undefined;
    return {
      personId: accessToken.accountId,
      clientId: accessToken.clientId,
      grantId: accessToken.grantId,
      scopes: new Set((accessToken.scope ?? '').split(' ').filter(Boolean)),
    };
  };
}

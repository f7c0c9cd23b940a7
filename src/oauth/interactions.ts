// The login and consent pages' view of an authorization in progress. The
// provider's types stop here: pages get plain values and plain functions.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type Provider from 'oidc-provider';

export interface Interaction {
  uid: string;
  prompt: 'login' | 'consent';
  /** `prompt=login` or `max_age` asked for a fresh login even with a session. */
  freshLoginRequired: boolean;
  clientId: string;
  scopes: string[];
  accountId: string | undefined;
}

export interface Interactions {
  current(req: IncomingMessage, res: ServerResponse): Promise<Interaction>;
  /** Signs the person in; a browser session of the provider naming someone else ends first. */
  finishLogin(req: IncomingMessage, res: ServerResponse, accountId: string): Promise<string>;
  /** Ends the provider's browser session, so the authorization asks who is there again. */
  askWhoItIs(req: IncomingMessage, res: ServerResponse): Promise<string>;
  /** Saves the grant for the interaction's scopes and returns its id; nothing is final until finishConsent. */
  createGrant(interaction: Interaction): Promise<string>;
  finishConsent(req: IncomingMessage, res: ServerResponse, grantId: string): Promise<string>;
  deny(req: IncomingMessage, res: ServerResponse): Promise<string>;
  endSession(sessionId: string): Promise<void>;
}

export const providerSessionCookie = 'parqex_oauth_session';

/**
 * The provider's browser session follows the web sign-in. Left naming the
 * previous person, the provider would answer a login as someone else with a
 * form posting to its end-session endpoint (disabled here: a dead end), so
 * that session ends first and the authorization resumes with a fresh one.
 */
async function endProviderSessionsNotNaming(provider: Provider, req: IncomingMessage, res: ServerResponse, accountId: string | undefined): Promise<void> {
  const interaction = await provider.interactionDetails(req, res);
  // The session the browser's (signed) cookie names now; a new, empty one when there is none.
  const browserSession = await provider.Session.get({ req, res } as unknown as Parameters<typeof provider.Session.get>[0]);
  if (browserSession.accountId !== undefined && browserSession.accountId !== accountId) await browserSession.destroy();
  if (interaction.session && interaction.session.accountId !== accountId) {
    const started = await provider.Session.findByUid(interaction.session.uid);
    await started?.destroy();
    // The resumed request checks that it runs in the session the request started in.
    delete interaction.session;
    await interaction.save(interaction.exp - Math.floor(Date.now() / 1000));
  }
}

export function interactions(provider: Provider): Interactions {
  return {
    async current(req, res) {
      const details = await provider.interactionDetails(req, res);
      const scope = typeof details.params.scope === 'string' ? details.params.scope : '';
      return {
        uid: details.uid,
        prompt: details.prompt.name === 'login' ? 'login' : 'consent',
        freshLoginRequired: details.prompt.reasons.includes('login_prompt') || details.prompt.reasons.includes('max_age'),
        clientId: String(details.params.client_id),
        scopes: scope.split(' ').filter(Boolean),
        accountId: details.session?.accountId,
      };
    },
    async finishLogin(req, res, accountId) {
      await endProviderSessionsNotNaming(provider, req, res, accountId);
      return provider.interactionResult(req, res, { login: { accountId } }, { mergeWithLastSubmission: false });
    },
    async askWhoItIs(req, res) {
      await endProviderSessionsNotNaming(provider, req, res, undefined);
      return provider.interactionResult(req, res, {}, { mergeWithLastSubmission: false });
    },
    async createGrant(interaction) {
      if (!interaction.accountId) throw new Error('consent without a logged-in person');
      const grant = new provider.Grant({ accountId: interaction.accountId, clientId: interaction.clientId });
      if (interaction.scopes.length > 0) grant.addOIDCScope(interaction.scopes.join(' '));
      return grant.save();
    },
    finishConsent(req, res, grantId) {
      return provider.interactionResult(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
    },
    deny(req, res) {
      return provider.interactionResult(req, res, {
        error: 'access_denied',
        error_description: 'The person declined to authorize the application.',
      }, { mergeWithLastSubmission: false });
    },
    async endSession(sessionId) {
      const session = await provider.Session.find(sessionId);
      await session?.destroy();
    },
  };
}

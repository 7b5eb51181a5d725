// The test OpenID provider: node-oidc-provider with valghalla's test clients and users.
// See README.md for what each client and user is for; start.mjs runs it.

import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

import * as jose from 'jose';
import Provider from 'oidc-provider';

/** Settings from the environment (see README.md). */
export function settings(env = process.env) {
  const list = (value, fallback) => (value ? value.split(',').map((s) => s.trim()).filter(Boolean) : fallback);
  return {
    cprClaim: env.OIDC_CPR_CLAIM || 'https://data.gov.dk/model/core/eid/cprNumber',
    groupsClaim: env.OIDC_GROUPS_CLAIM || 'groups',
    redirectUris: list(env.OIDC_REDIRECT_URIS, ['http://127.0.0.1/auth/callback']),
    postLogoutRedirectUris: list(env.OIDC_POST_LOGOUT_REDIRECT_URIS, ['http://127.0.0.1/']),
    expiredDelayMs: Number(env.OIDC_EXPIRED_DELAY_MS || 2500),
    users: env.OIDC_USERS_FILE ? JSON.parse(readFileSync(env.OIDC_USERS_FILE, 'utf8')) : USERS,
  };
}

/**
 * The test users, by login. Citizens carry a CPR number (fictitious, valid dates), staff carry
 * groups. Any password is accepted (the provider's development login pages).
 */
export const USERS = {
  agnes: { name: 'Agnes Jensen', given_name: 'Agnes', family_name: 'Jensen', cpr: '0101801234' },
  soeren: { name: 'Søren Ærø Åberg', given_name: 'Søren Ærø', family_name: 'Åberg', cpr: '0202802345' },
  nanna: { name: 'Nanna Nybegynder', given_name: 'Nanna', family_name: 'Nybegynder', cpr: '0303803456' },
  admin: { name: 'Anne Administrator', email: 'admin@korsbaek.test', groups: ['valg-administratorer'] },
  laeser: { name: 'Lars Læser', email: 'laeser@korsbaek.test', groups: ['valg-laesere'] },
  'uden-rolle': { name: 'Ulla Udenrolle', email: 'ulla@korsbaek.test', groups: ['it-afdelingen'] },
};

/** The audience the `valghalla-wrong-audience` client's ID tokens are re-signed for. */
export const OTHER_AUDIENCE = 'another-service';

/**
 * The test clients. All are confidential (client_secret_basic), use the authorization code flow
 * and must send PKCE (S256). The last three exist to make the provider hand out a token a relying
 * party must refuse.
 */
export function clients({ redirectUris, postLogoutRedirectUris }) {
  const client = (id, scope) => ({
    client_id: id,
    client_secret: `${id}-secret`,
    scope,
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
    redirect_uris: redirectUris,
    post_logout_redirect_uris: postLogoutRedirectUris,
  });
  return [
    client('valghalla-citizen', 'openid profile cpr'),
    client('valghalla-staff', 'openid profile email groups'),
    // ID tokens live one second and reach the client after OIDC_EXPIRED_DELAY_MS.
    client('valghalla-expired', 'openid profile cpr'),
    // ID tokens are re-signed (with the provider's own key) for another audience.
    client('valghalla-wrong-audience', 'openid profile cpr'),
    // ID tokens are re-signed (with the provider's own key) with another nonce.
    client('valghalla-wrong-nonce', 'openid profile cpr'),
  ];
}

/** A provider for `issuer` (e.g. `http://127.0.0.1:41234`) with `options` from settings(). */
export async function buildProvider(issuer, options) {
  const { privateKey } = await jose.generateKeyPair('RS256', { extractable: true });
  const signingJwk = {
    ...(await jose.exportJWK(privateKey)),
    kid: `valghalla-test-${randomBytes(6).toString('hex')}`,
    alg: 'RS256',
    use: 'sig',
  };
  const { cprClaim, groupsClaim, users } = options;

  const provider = new Provider(issuer, {
    clients: clients(options),
    jwks: { keys: [signingJwk] },
    cookies: { keys: [randomBytes(32).toString('hex')] },
    pkce: { required: () => true },
    claims: {
      openid: ['sub'],
      profile: ['name', 'given_name', 'family_name'],
      email: ['email', 'email_verified'],
      cpr: [cprClaim],
      groups: [groupsClaim],
    },
    // Claims of the granted scopes go into the ID token too, where a relying party reads them.
    conformIdTokenClaims: false,
    features: {
      devInteractions: { enabled: true },
      rpInitiatedLogout: { enabled: true },
    },
    ttl: {
      AccessToken: 600,
      AuthorizationCode: 60,
      Grant: 3600,
      IdToken: (ctx, token, client) => (client?.clientId === 'valghalla-expired' ? 1 : 600),
      Interaction: 600,
      Session: 3600,
    },
    async findAccount(ctx, sub) {
      const user = Object.hasOwn(users, sub) ? users[sub] : undefined;
      if (!user) {
        return undefined;
      }
      return {
        accountId: sub,
        async claims() {
          const claims = { sub, name: user.name };
          if (user.given_name) claims.given_name = user.given_name;
          if (user.family_name) claims.family_name = user.family_name;
          if (user.email) Object.assign(claims, { email: user.email, email_verified: true });
          if (user.cpr) claims[cprClaim] = user.cpr;
          if (user.groups) claims[groupsClaim] = user.groups;
          return claims;
        },
      };
    },
    // Every client is first party: no consent page, the grant is the client's own scope.
    async loadExistingGrant(ctx) {
      const { client, session, result } = ctx.oidc;
      const grantId = result?.consent?.grantId || session.grantIdFor(client.clientId);
      if (grantId) {
        const grant = await ctx.oidc.provider.Grant.find(grantId);
        if (grant) return grant;
      }
      const grant = new ctx.oidc.provider.Grant({ clientId: client.clientId, accountId: session.accountId });
      grant.addOIDCScope(client.scope);
      await grant.save();
      return grant;
    },
  });

  // A web client may use its registered loopback redirect URIs on any port (the tests' relying
  // party listens on a free port), as RFC 8252 allows native clients to.
  const withoutLoopbackPort = (value) => {
    try {
      const url = new URL(value);
      if (!['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) return undefined;
      url.port = '';
      return url.href;
    } catch {
      return undefined;
    }
  };
  for (const method of ['redirectUriAllowed', 'postLogoutRedirectUriAllowed']) {
    const allowed = provider.Client.prototype[method];
    provider.Client.prototype[method] = function anyLoopbackPort(value) {
      if (allowed.call(this, value)) return true;
      const stripped = withoutLoopbackPort(value);
      return stripped !== undefined && allowed.call(this, stripped);
    };
  }

  // The development login pages accept any login; an unknown one ends the login with
  // access_denied (back to the client), as a real provider refuses an unknown user.
  provider.use(async (ctx, next) => {
    if (ctx.method === 'POST' && /^\/interaction\/[^/]+$/.test(ctx.path)) {
      const chunks = [];
      for await (const chunk of ctx.req) chunks.push(chunk);
      // The provider reads an already-read body from here.
      ctx.req.body = Buffer.concat(chunks).toString('utf8');
      const form = new URLSearchParams(ctx.req.body);
      if (form.get('prompt') === 'login' && !Object.hasOwn(users, form.get('login'))) {
        const to = await provider.interactionResult(ctx.req, ctx.res, {
          error: 'access_denied',
          error_description: 'unknown user',
        }, { mergeWithLastSubmission: false });
        ctx.status = 303;
        ctx.redirect(to);
        return;
      }
    }
    await next();
  });

  // The refusal clients: the token response is changed after the provider made it.
  provider.use(async (ctx, next) => {
    await next();
    const clientId = ctx.oidc?.client?.clientId;
    if (ctx.oidc?.route !== 'token' || ctx.status !== 200 || !ctx.body?.id_token) return;
    if (clientId === 'valghalla-expired') {
      await sleep(options.expiredDelayMs);
    } else if (clientId === 'valghalla-wrong-audience') {
      ctx.body = { ...ctx.body, id_token: await resign(ctx.body.id_token, { aud: OTHER_AUDIENCE }) };
    } else if (clientId === 'valghalla-wrong-nonce') {
      ctx.body = { ...ctx.body, id_token: await resign(ctx.body.id_token, { nonce: randomBytes(16).toString('hex') }) };
    }
  });

  async function resign(idToken, changes) {
    const header = jose.decodeProtectedHeader(idToken);
    const claims = { ...jose.decodeJwt(idToken), ...changes };
    return new jose.SignJWT(claims).setProtectedHeader(header).sign(privateKey);
  }

  return provider;
}

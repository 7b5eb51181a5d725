// Self-test of the test OpenID provider: starts start.mjs as the relying party's tests will, reads
// discovery and the JWKS, and walks the authorization code flow with PKCE through the provider's
// own login pages over plain HTTP, for every client. Run with `npm test`.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { after, before, test } from 'node:test';

import * as jose from 'jose';

import { OTHER_AUDIENCE } from './provider.mjs';

const CPR_CLAIM = 'https://data.gov.dk/model/core/eid/cprNumber';
// Any port: the provider accepts its registered loopback URIs on every port. Nothing listens
// here; the flow stops at the redirect.
const REDIRECT_URI = 'http://127.0.0.1:9/auth/callback';
const POST_LOGOUT_URI = 'http://127.0.0.1:9/';

let child;
let issuer;
let discovery;

before(async () => {
  child = spawn(process.execPath, ['start.mjs'], {
    cwd: import.meta.dirname,
    env: { ...process.env, OIDC_EXPIRED_DELAY_MS: '1500' },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const [line] = await once(createInterface({ input: child.stdout }), 'line');
  issuer = line.trim();
  discovery = await (await fetch(`${issuer}/.well-known/openid-configuration`)).json();
});

after(async () => {
  if (child.exitCode === null) {
    child.kill('SIGTERM');
    await once(child, 'exit');
  }
});

const b64url = (bytes) => Buffer.from(bytes).toString('base64url');

/** A browser's cookie jar, just enough for the provider's cookies. */
class Browser {
  cookies = new Map();

  async get(url, init = {}) {
    const response = await fetch(url, {
      ...init,
      redirect: 'manual',
      headers: { ...init.headers, cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
    });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair] = cookie.split(';');
      const [name, ...value] = pair.split('=');
      this.cookies.set(name.trim(), value.join('='));
    }
    return response;
  }

  /** Follows redirects on the provider; stops at the first one that leaves it. */
  async follow(url, init) {
    let response = await this.get(url, init);
    while ([302, 303].includes(response.status)) {
      const next = new URL(response.headers.get('location'), issuer);
      if (next.origin !== issuer) return next;
      response = await this.get(next);
    }
    return response;
  }
}

/** Submits the first form in `html` with `fields`, as the browser would. */
async function submitForm(browser, html, fields) {
  const action = html.match(/<form[^>]*action="([^"]+)"/)?.[1];
  assert.ok(action, `a form in:\n${html}`);
  const hidden = Object.fromEntries(
    [...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1], m[2]]),
  );
  return browser.follow(new URL(action.replaceAll('&amp;', '&'), issuer), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ ...hidden, ...fields }),
  });
}

/** Logs `login` in at `clientId` through the provider's pages; returns the callback's parameters. */
async function authorize(browser, clientId, login, { scope = 'openid profile cpr', pkce = true, extra = {} } = {}) {
  const verifier = b64url(randomBytes(32));
  const state = b64url(randomBytes(16));
  const nonce = b64url(randomBytes(16));
  const url = new URL(discovery.authorization_endpoint);
  const params = {
    client_id: clientId, response_type: 'code', scope, redirect_uri: REDIRECT_URI, state, nonce, ...extra,
  };
  if (pkce) {
    params.code_challenge = b64url(createHash('sha256').update(verifier).digest());
    params.code_challenge_method = 'S256';
  }
  url.search = new URLSearchParams(params);
  let result = await browser.follow(url);
  if (!(result instanceof URL)) {
    // The provider's login page.
    const html = await result.text();
    assert.match(html, /name="login"/);
    result = await submitForm(browser, html, { prompt: 'login', login, password: 'hvad-som-helst' });
  }
  assert.ok(result instanceof URL, 'the flow ends at the redirect URI');
  assert.equal(`${result.origin}${result.pathname}`, REDIRECT_URI);
  return { callback: result.searchParams, verifier, state, nonce };
}

async function exchange(clientId, code, verifier) {
  const response = await fetch(discovery.token_endpoint, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${clientId}:${clientId}-secret`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({
      grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, code_verifier: verifier,
    }),
  });
  return { status: response.status, body: await response.json() };
}

function verify(idToken, audience) {
  return jose.jwtVerify(idToken, jose.createRemoteJWKSet(new URL(discovery.jwks_uri)), { issuer, audience });
}

test('discovery and JWKS describe a code-flow provider with PKCE and RP-initiated logout', async () => {
  assert.match(issuer, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.equal(discovery.issuer, issuer);
  assert.deepEqual(discovery.code_challenge_methods_supported, ['S256']);
  assert.ok(discovery.response_types_supported.includes('code'));
  assert.equal(discovery.end_session_endpoint, `${issuer}/session/end`);
  assert.ok(discovery.scopes_supported.includes('cpr') && discovery.scopes_supported.includes('groups'));
  assert.ok(discovery.claims_supported.includes(CPR_CLAIM));
  const jwks = await (await fetch(discovery.jwks_uri)).json();
  assert.equal(jwks.keys.length, 1);
  assert.equal(jwks.keys[0].alg, 'RS256');
  assert.equal(jwks.keys[0].d, undefined, 'no private key material');
});

test('a citizen logs in and the ID token carries the CPR claim and the nonce', async () => {
  const flow = await authorize(new Browser(), 'valghalla-citizen', 'agnes');
  assert.equal(flow.callback.get('state'), flow.state);
  assert.equal(flow.callback.get('iss'), issuer);
  const { status, body } = await exchange('valghalla-citizen', flow.callback.get('code'), flow.verifier);
  assert.equal(status, 200);
  const { payload } = await verify(body.id_token, 'valghalla-citizen');
  assert.equal(payload.sub, 'agnes');
  assert.equal(payload.nonce, flow.nonce);
  assert.equal(payload[CPR_CLAIM], '0101801234');
  assert.equal(payload.name, 'Agnes Jensen');
  assert.equal(payload.groups, undefined);
});

test('staff log in and the ID token carries their groups', async () => {
  const flow = await authorize(new Browser(), 'valghalla-staff', 'admin', { scope: 'openid profile email groups' });
  const { body } = await exchange('valghalla-staff', flow.callback.get('code'), flow.verifier);
  const { payload } = await verify(body.id_token, 'valghalla-staff');
  assert.deepEqual(payload.groups, ['valg-administratorer']);
  assert.equal(payload.email, 'admin@korsbaek.test');
  assert.equal(payload[CPR_CLAIM], undefined);
});

test('a replayed code and a wrong PKCE verifier are refused by the token endpoint', async () => {
  const flow = await authorize(new Browser(), 'valghalla-citizen', 'soeren');
  const code = flow.callback.get('code');
  const wrong = await exchange('valghalla-citizen', code, b64url(randomBytes(32)));
  assert.equal(wrong.status, 400);
  assert.equal(wrong.body.error, 'invalid_grant');

  const again = await authorize(new Browser(), 'valghalla-citizen', 'soeren');
  const first = await exchange('valghalla-citizen', again.callback.get('code'), again.verifier);
  assert.equal(first.status, 200);
  const replay = await exchange('valghalla-citizen', again.callback.get('code'), again.verifier);
  assert.equal(replay.status, 400);
  assert.equal(replay.body.error, 'invalid_grant');
});

test('an authorization request without PKCE is refused', async () => {
  const url = new URL(discovery.authorization_endpoint);
  url.search = new URLSearchParams({
    client_id: 'valghalla-citizen', response_type: 'code', scope: 'openid', redirect_uri: REDIRECT_URI, state: 's', nonce: 'n',
  });
  const result = await new Browser().follow(url);
  assert.ok(result instanceof URL);
  assert.equal(result.searchParams.get('error'), 'invalid_request');
});

test('the refusal clients hand out a token for another audience, with another nonce, or expired', async () => {
  const audience = await authorize(new Browser(), 'valghalla-wrong-audience', 'agnes');
  const a = await exchange('valghalla-wrong-audience', audience.callback.get('code'), audience.verifier);
  await assert.rejects(verify(a.body.id_token, 'valghalla-wrong-audience'), { code: 'ERR_JWT_CLAIM_VALIDATION_FAILED', claim: 'aud' });
  const { payload } = await verify(a.body.id_token, OTHER_AUDIENCE);
  assert.equal(payload.nonce, audience.nonce, 'signed by the provider, only the audience differs');

  const nonce = await authorize(new Browser(), 'valghalla-wrong-nonce', 'agnes');
  const n = await exchange('valghalla-wrong-nonce', nonce.callback.get('code'), nonce.verifier);
  const checked = await verify(n.body.id_token, 'valghalla-wrong-nonce');
  assert.notEqual(checked.payload.nonce, nonce.nonce);

  const expired = await authorize(new Browser(), 'valghalla-expired', 'agnes');
  const e = await exchange('valghalla-expired', expired.callback.get('code'), expired.verifier);
  assert.equal(e.status, 200);
  await assert.rejects(verify(e.body.id_token, 'valghalla-expired'), { code: 'ERR_JWT_EXPIRED' });
});

test('an unknown login gets no code', async () => {
  const browser = new Browser();
  const url = new URL(discovery.authorization_endpoint);
  url.search = new URLSearchParams({
    client_id: 'valghalla-citizen', response_type: 'code', scope: 'openid', redirect_uri: REDIRECT_URI,
    state: 's', nonce: 'n', code_challenge: b64url(randomBytes(32)), code_challenge_method: 'S256',
  });
  const login = await browser.follow(url);
  const result = await submitForm(browser, await login.text(), { prompt: 'login', login: 'ingen-saadan-bruger', password: 'x' });
  assert.ok(result instanceof URL, 'back to the client');
  assert.equal(result.searchParams.get('error'), 'access_denied');
  assert.equal(result.searchParams.get('state'), 's');
  assert.equal(result.searchParams.get('code'), null);
});

test('RP-initiated logout ends the session at the provider', async () => {
  const browser = new Browser();
  const flow = await authorize(browser, 'valghalla-citizen', 'agnes');
  const { body } = await exchange('valghalla-citizen', flow.callback.get('code'), flow.verifier);
  // Logged in: prompt=none gives a code without the login page.
  const silent = await authorize(browser, 'valghalla-citizen', 'agnes', { extra: { prompt: 'none' } });
  assert.ok(silent.callback.get('code'));

  const end = new URL(discovery.end_session_endpoint);
  end.search = new URLSearchParams({
    id_token_hint: body.id_token, post_logout_redirect_uri: POST_LOGOUT_URI, state: 'ud',
  });
  const page = await browser.follow(end);
  const html = await page.text();
  assert.match(html, /sign-out/);
  const back = await submitForm(browser, html, { logout: 'yes' });
  assert.ok(back instanceof URL);
  assert.equal(back.href, `${POST_LOGOUT_URI}?state=ud`);

  const url = new URL(discovery.authorization_endpoint);
  const verifier = b64url(randomBytes(32));
  url.search = new URLSearchParams({
    client_id: 'valghalla-citizen', response_type: 'code', scope: 'openid', redirect_uri: REDIRECT_URI,
    state: 's', nonce: 'n', prompt: 'none',
    code_challenge: b64url(createHash('sha256').update(verifier).digest()), code_challenge_method: 'S256',
  });
  const after = await browser.follow(url);
  assert.ok(after instanceof URL);
  assert.equal(after.searchParams.get('error'), 'login_required');
});

test('the provider stops when its stdin closes', async () => {
  child.stdin.end();
  const [code] = await once(child, 'exit');
  assert.equal(code, 0);
});

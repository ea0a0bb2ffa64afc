// The console's PKCE helpers (web/console/pkce.js), run in Node: its Web Crypto is the
// browser's API. Checked against RFC 7636 appendix B. The round trip through a real Cognito
// hosted UI is not tested anywhere (there is none here): see docs/web-console.md.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  base64url, randomVerifier, challengeFor, randomState, authorizeUrl, tokenRequestBody, logoutUrl,
} from '../../web/console/pkce.js';

// RFC 7636, appendix B: the 32 octets of the example verifier, the verifier, its S256 challenge.
const RFC_OCTETS = [116, 24, 223, 180, 151, 153, 224, 37, 79, 250, 96, 125, 216, 173, 187, 186,
  22, 212, 37, 77, 105, 214, 191, 240, 91, 88, 5, 88, 83, 132, 141, 121];
const RFC_VERIFIER = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
const RFC_CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';

test('base64url of the RFC 7636 octets is the RFC verifier (no padding, URL alphabet)', () => {
  assert.equal(base64url(new Uint8Array(RFC_OCTETS)), RFC_VERIFIER);
});

test('the S256 challenge of the RFC 7636 verifier is the RFC challenge', async () => {
  assert.equal(await challengeFor(RFC_VERIFIER), RFC_CHALLENGE);
});

test('a fresh verifier is 43 unreserved characters from 32 random bytes, and differs each time', () => {
  const a = randomVerifier();
  const b = randomVerifier();
  assert.match(a, /^[A-Za-z0-9_-]{43}$/);
  assert.notEqual(a, b);
  assert.throws(() => randomVerifier(16), /at least 32/);
  assert.match(randomState(), /^[A-Za-z0-9_-]{22}$/);
});

const cognito = {
  kind: 'cognito',
  domain: 'https://demo-force.auth.eu-west-2.amazoncognito.com',
  clientId: 'abc123',
  redirectUri: 'https://console.demo.police.uk/console/',
  logoutUri: 'https://console.demo.police.uk/console/',
};

test('the authorize address asks for a code with the S256 challenge and the state', () => {
  const url = new URL(authorizeUrl(cognito, { state: 'st4te', challenge: RFC_CHALLENGE }));
  assert.equal(url.origin + url.pathname, 'https://demo-force.auth.eu-west-2.amazoncognito.com/oauth2/authorize');
  assert.equal(url.searchParams.get('response_type'), 'code');
  assert.equal(url.searchParams.get('client_id'), 'abc123');
  assert.equal(url.searchParams.get('redirect_uri'), cognito.redirectUri);
  assert.equal(url.searchParams.get('code_challenge_method'), 'S256');
  assert.equal(url.searchParams.get('code_challenge'), RFC_CHALLENGE);
  assert.equal(url.searchParams.get('state'), 'st4te');
});

test('the token request sends the code with its verifier', () => {
  const body = tokenRequestBody(cognito, { code: 'the-code', verifier: RFC_VERIFIER });
  assert.equal(body.get('grant_type'), 'authorization_code');
  assert.equal(body.get('client_id'), 'abc123');
  assert.equal(body.get('code'), 'the-code');
  assert.equal(body.get('code_verifier'), RFC_VERIFIER);
  assert.equal(body.get('redirect_uri'), cognito.redirectUri);
});

test('the logout address names the client and where to come back', () => {
  const url = new URL(logoutUrl(cognito));
  assert.equal(url.pathname, '/logout');
  assert.equal(url.searchParams.get('client_id'), 'abc123');
  assert.equal(url.searchParams.get('logout_uri'), cognito.logoutUri);
});

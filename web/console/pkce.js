// OAuth 2.0 authorization code with PKCE (RFC 7636) for the Cognito hosted UI: the pieces
// that can be checked without a browser or a real Cognito (tests/browser/console-pkce.test.mjs
// imports this module in Node, whose globalThis.crypto is the same Web Crypto API).

/** base64url without padding (RFC 4648 section 5), as PKCE wants it. */
export function base64url(bytes) {
  let binary = '';
  for (const b of new Uint8Array(bytes)) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** A code verifier: 32 random bytes, 43 base64url characters (RFC 7636 section 4.1). */
export function randomVerifier(byteLength = 32) {
  if (byteLength < 32) throw new Error('a PKCE verifier needs at least 32 random bytes');
  return base64url(crypto.getRandomValues(new Uint8Array(byteLength)));
}

/** The S256 code challenge: base64url(SHA-256(ASCII(verifier))). */
export async function challengeFor(verifier) {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return base64url(digest);
}

/** A random `state`, checked when the hosted UI sends the browser back. */
export function randomState() {
  return base64url(crypto.getRandomValues(new Uint8Array(16)));
}

/** Where to send the browser to sign in: the hosted UI's /oauth2/authorize. */
export function authorizeUrl({ domain, clientId, redirectUri }, { state, challenge }) {
  const url = new URL('/oauth2/authorize', domain);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', clientId);
  url.searchParams.set('redirect_uri', redirectUri);
  url.searchParams.set('scope', 'openid');
  url.searchParams.set('state', state);
  url.searchParams.set('code_challenge_method', 'S256');
  url.searchParams.set('code_challenge', challenge);
  return url.href;
}

/** The form body that exchanges the code for tokens at {domain}/oauth2/token. */
export function tokenRequestBody({ clientId, redirectUri }, { code, verifier }) {
  return new URLSearchParams({
    grant_type: 'authorization_code',
    client_id: clientId,
    code,
    redirect_uri: redirectUri,
    code_verifier: verifier,
  });
}

/** Where to send the browser to sign out of the hosted UI too. */
export function logoutUrl({ domain, clientId, logoutUri }) {
  const url = new URL('/logout', domain);
  url.searchParams.set('client_id', clientId);
  url.searchParams.set('logout_uri', logoutUri);
  return url.href;
}

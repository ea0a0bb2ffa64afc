// Signing in and out. The access token lives in this module's variable only: never in
// localStorage, sessionStorage or a cookie, so it is gone when the tab closes and no other
// page or script on the origin can read it from storage. A reload means signing in again
// (with Cognito's own session that is one redirect, without typing a password).

import {
  randomVerifier, challengeFor, randomState, authorizeUrl, tokenRequestBody, logoutUrl,
} from './pkce.js';

let token = null;

/** The operator's access token, or null when signed out. */
export function accessToken() { return token; }

/**
 * The name to show in the header: Cognito's access token carries `username` besides `sub`
 * (the operator id the server uses, a UUID there). Read for display only, never trusted: the
 * server checks the token, and the operator's identity is what operator_ready says.
 */
export function displayName() {
  try {
    const payload = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    const claims = JSON.parse(new TextDecoder().decode(Uint8Array.from(atob(payload), (c) => c.charCodeAt(0))));
    return typeof claims.username === 'string' ? claims.username : null;
  } catch {
    return null;
  }
}

/**
 * The development sign-in of the local gateway (a stand-in for Cognito):
 * POST {tokenUrl} {"operator": name, "groups": ["supervisors"]?}.
 */
export async function localSignIn(signIn, operator, supervisor) {
  const body = supervisor ? { operator, groups: ['supervisors'] } : { operator };
  const reply = await fetch(signIn.tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!reply.ok) throw new Error(`sign-in refused (${reply.status})`);
  const json = await reply.json();
  if (typeof json.accessToken !== 'string') throw new Error('sign-in answered no token');
  token = json.accessToken;
  return token;
}

// What must survive the round trip to the hosted UI: the verifier and the state. They are not
// tokens (useless without the code, and used once); sessionStorage keeps them for this tab only
// and they are deleted as soon as they are read.
const PENDING_KEY = 'bluelamp-console-pkce';

/** Sends the browser to Cognito's hosted UI (authorization code with PKCE, S256). */
export async function startCognitoSignIn(signIn) {
  const verifier = randomVerifier();
  const state = randomState();
  const challenge = await challengeFor(verifier);
  sessionStorage.setItem(PENDING_KEY, JSON.stringify({ verifier, state }));
  location.assign(authorizeUrl(signIn, { state, challenge }));
}

/**
 * On the way back from the hosted UI (?code=…&state=…): checks the state, exchanges the code
 * at {domain}/oauth2/token, and cleans the address bar. Answers the token, or null when this
 * page load is not a return from sign-in. Throws when the return is not to be trusted.
 */
export async function completeCognitoSignIn(signIn) {
  const params = new URLSearchParams(location.search);
  if (!params.has('code') && !params.has('error')) return null;
  const pending = JSON.parse(sessionStorage.getItem(PENDING_KEY) ?? 'null');
  sessionStorage.removeItem(PENDING_KEY);
  // The code must not stay in the address bar or the history.
  history.replaceState(null, '', location.pathname);
  if (params.has('error')) throw new Error(`sign-in failed: ${params.get('error')}`);
  if (!pending || params.get('state') !== pending.state) {
    throw new Error('sign-in could not be checked (state mismatch): sign in again');
  }
  const reply = await fetch(new URL('/oauth2/token', signIn.domain), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: tokenRequestBody(signIn, { code: params.get('code'), verifier: pending.verifier }),
  });
  if (!reply.ok) throw new Error(`sign-in refused (${reply.status})`);
  const json = await reply.json();
  if (typeof json.access_token !== 'string') throw new Error('sign-in answered no token');
  token = json.access_token;
  return token;
}

/** Forgets the token; with Cognito, also ends the hosted UI's session. */
export function signOut(signIn) {
  token = null;
  if (signIn?.kind === 'cognito') location.assign(logoutUrl(signIn));
}

// Redirect mode (issue 19): OAuth in the page itself instead of a popup. A connect link opened on a phone (or in an
// in-app browser that refuses popups) leaves for the provider and comes back to itself with the outcome; an embedded
// UI asked for it by the SDK (`oauthMode: 'redirect'`) sends the page that embeds it.
import { withoutRedirectResult } from '@latchkey/frontend/redirect';
import type { PageParams } from './params';

// The session token waits here while the page is at the provider: same tab and origin only, gone with the tab.
const tokenKey = 'latchkey-connect-session-token';

/** Where the outcome should come back to, when this attempt goes by redirect; null keeps the popup. */
export function redirectTarget(params: PageParams, location: { href: string }, popupRefused: boolean): string | null {
  if (params.oauthMode === 'popup' || params.preview) return null;
  if (!params.standalone) return params.oauthMode === 'redirect' ? params.returnURL : null;
  if (params.oauthMode !== 'redirect' && !popupRefused && !isTouchDevice()) return null;
  // Back to this very page, minus the token (kept in sessionStorage instead) and any earlier outcome.
  const address = new URL(withoutRedirectResult(location.href));
  address.searchParams.delete('session_token');
  return address.href;
}

/** Phones and tablets: a popup there is a new tab the user must find their way back from. */
export function isTouchDevice(): boolean {
  return typeof matchMedia === 'function' && matchMedia('(pointer: coarse)').matches;
}

export function rememberToken(token: string): void {
  try {
    sessionStorage.setItem(tokenKey, token);
  } catch {
    // Storage refused (a private mode): the outcome still shows, only "try again" will need the link again.
  }
}

export function recallToken(): string | null {
  try {
    return sessionStorage.getItem(tokenKey);
  } catch {
    return null;
  }
}

/** Takes the outcome out of the address bar, so a reload shows the form again rather than an old outcome. */
export function forgetOutcomeInAddress(): void {
  history.replaceState(history.state, '', withoutRedirectResult(location.href));
}

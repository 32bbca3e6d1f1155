// What the page's URL says (spec §3.3). The API defaults to the UI's own origin (DESIGN decision 9).
import { readRedirectResult, type RedirectResult } from '@latchkey/frontend/redirect';
import { recallToken } from './redirect';

export interface PageParams {
  apiURL: string;
  apiOrigin: string;
  sessionToken: string | null;
  lang: string | null;
  theme: 'light' | 'dark' | 'system' | null;
  detectClosedAuthWindow: boolean;
  preview: boolean;
  /** `embedded=true`: the compact layout for a product's own panel (no backdrop, fills the frame). */
  embedded: boolean;
  standalone: boolean;
  /** `oauthMode`: 'redirect' leaves the page for the provider instead of a popup; 'popup' never does (issue 19). */
  oauthMode: 'popup' | 'redirect' | null;
  /** `returnURL`: where an embedded UI in redirect mode sends the outcome (the page that embeds it, set by the SDK). */
  returnURL: string | null;
  /** The outcome of an OAuth flow in redirect mode, when the page is its return address. */
  redirectResult: RedirectResult | null;
}

export function readParams(location: { search: string; origin: string }, standalone: boolean): PageParams {
  const query = new URLSearchParams(location.search);
  let apiURL = (query.get('apiURL') ?? '').trim().replace(/\/+$/, '');
  let apiOrigin: string;
  try {
    const url = new URL(apiURL || location.origin);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http');
    apiOrigin = url.origin;
    apiURL = apiURL || location.origin;
  } catch {
    apiURL = location.origin;
    apiOrigin = location.origin;
  }
  const theme = query.get('theme');
  const oauthMode = query.get('oauthMode');
  const redirectResult = readRedirectResult(new URL(location.search, `${location.origin}/`));
  return {
    apiURL,
    apiOrigin,
    // Back from the provider, the token is not in the address (the server refuses a return address that carries one).
    sessionToken: query.get('session_token') ?? (redirectResult ? recallToken() : null),
    lang: query.get('lang'),
    theme: theme === 'light' || theme === 'dark' || theme === 'system' ? theme : null,
    detectClosedAuthWindow: query.get('detectClosedAuthWindow') === 'true',
    preview: query.get('preview') === 'true',
    embedded: query.get('embedded') === 'true',
    standalone,
    oauthMode: oauthMode === 'popup' || oauthMode === 'redirect' ? oauthMode : null,
    returnURL: query.get('returnURL'),
    redirectResult,
  };
}

/** Spec §3.8 with the SDK author's fix: path of apiURL (no trailing slash) + the session's websocketsPath. */
export function websocketsPathFor(apiURL: string, sessionPath: string | undefined): string {
  const base = new URL(apiURL).pathname.replace(/\/+$/, '');
  const path = sessionPath || '/';
  return base + (path.startsWith('/') ? path : `/${path}`);
}

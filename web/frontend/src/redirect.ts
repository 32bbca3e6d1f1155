// @latchkey/frontend/redirect: reads the outcome of an OAuth flow in redirect mode (`auth(key, { redirect })`) on the
// page it returned to. A separate entry, so that pages that never use redirect mode do not carry it.

/** The outcome the server put on the return address (issue 19): no secret, only ids and the error type. */
export type RedirectResult =
  | { type: 'success'; providerConfigKey: string; connectionId: string; isPending: boolean }
  | { type: 'error'; providerConfigKey: string; errorType: string; errorMessage: string };

const resultKeys = ['latchkey_result', 'connection_id', 'provider_config_key', 'is_pending', 'error_type', 'error_message'];

/** The outcome in `url` (default: this page's address), or null when the page was not reached from an OAuth flow. */
export function readRedirectResult(url: string | URL = location.href): RedirectResult | null {
  const query = new URL(url).searchParams;
  const read = (key: string): string => query.get(key) ?? '';
  const providerConfigKey = read('provider_config_key');
  if (read('latchkey_result') === 'success') {
    return { type: 'success', providerConfigKey, connectionId: read('connection_id'), isPending: read('is_pending') === 'true' };
  }
  if (read('latchkey_result') === 'error') {
    return { type: 'error', providerConfigKey, errorType: read('error_type') || 'unknown_error', errorMessage: read('error_message') };
  }
  return null;
}

/**
 * `url` without the outcome's parameters, e.g. for `history.replaceState(null, '', withoutRedirectResult())` so that a
 * reload does not show the outcome again.
 */
export function withoutRedirectResult(url: string | URL = location.href): string {
  const cleaned = new URL(url);
  for (const key of resultKeys) cleaned.searchParams.delete(key);
  return cleaned.href;
}

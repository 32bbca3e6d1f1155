import { describe, expect, it } from 'vitest';
import { usesHttpMode } from '../src/http-routes.js';
import type { AuthOptions } from '../src/types.js';

// Spec §2.3: which calls go through the popup and which are plain HTTP requests.
describe('usesHttpMode', () => {
  const overrides = { oauth_client_id_override: 'id', oauth_client_secret_override: 'secret' };

  it.each<[string, AuthOptions]>([
    ['no options', {}],
    ['no credentials', { params: { subdomain: 'acme' } }],
    ['empty credentials', { credentials: {} as AuthOptions['credentials'] }],
    ['both OAuth client overrides', { credentials: overrides }],
    ['both overrides and a refresh token override', { credentials: { ...overrides, oauth_refresh_token_override: 'r' } }],
    ['both overrides and only a token_id', { credentials: { ...overrides, token_id: 't' } as AuthOptions['credentials'] }],
  ])('opens the popup with %s', (_case, options) => {
    expect(usesHttpMode(options)).toBe(false);
  });

  it.each<[string, AuthOptions]>([
    ['an API key', { credentials: { apiKey: 'k' } }],
    ['only the client id override', { credentials: { oauth_client_id_override: 'id' } as AuthOptions['credentials'] }],
    ['only the client secret override', { credentials: { oauth_client_secret_override: 's' } as AuthOptions['credentials'] }],
    ['TBA tokens next to the overrides', { credentials: { ...overrides, token_id: 't', token_secret: 's' } }],
    ['an outbound installation', { installation: 'outbound' }],
    ['an outbound installation with the usual credentials', { installation: 'outbound', credentials: { type: 'OAUTH2' } }],
  ])('posts over HTTP with %s', (_case, options) => {
    expect(usesHttpMode(options)).toBe(true);
  });
});

// What preview mode shows without a session (the dashboard's theme preview): one made-up API-key integration, so the
// theme and colours have a form and a Connect button to show on. Nothing here reaches the API, and preview mode
// submits nothing (spec §3.3).
import type { Api } from './api';
import type { Integration } from './types';

// A monogram like the server's for providers without a brand icon (ProviderLogos.cs); the page's CSP allows data: images.
const logo = 'data:image/svg+xml,' + encodeURIComponent(
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><rect width="64" height="64" rx="14" fill="#64748b"/>'
  + '<text x="32" y="32" dy=".35em" text-anchor="middle" font-family="system-ui,sans-serif" font-size="30" font-weight="600" fill="#fff">A</text></svg>');
const integration: Integration = { unique_key: 'preview', provider: 'preview', display_name: 'Acme', logo };

export const sampleApi: Api = {
  session: () => Promise.resolve({ connectUISettings: {}, allowed_integrations: [integration.unique_key] }),
  integrations: () => Promise.resolve([integration]),
  provider: () => Promise.resolve({ auth_mode: 'API_KEY', display_name: integration.display_name }),
};

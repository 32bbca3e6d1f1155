// The first thing the UI does (spec §3.4): listen, say `ready`, and start reading the session and the integrations
// the moment the token is here. index.html runs it inline (src/early.ts), before any file is fetched; the app's
// module finds its bus on `window` and only runs it itself when the inline copy did not run.
import type { Bus } from './app';
import { createApi, readSession } from './lib/api';
import type { PageParams } from './lib/params';
import { listen, postToParent } from './lib/parent';
import type { ConnectUISettings } from './lib/types';

const global = window as { latchkeyConnectBus?: Bus };

export function boot(params: PageParams): Bus {
  if (global.latchkeyConnectBus) return global.latchkeyConnectBus;
  const bus: Bus = { token: null };
  global.latchkeyConnectBus = bus;
  const prefetch = (token: string) => {
    bus.prefetched = { token, ...readSession(createApi(params.apiURL, token)) };
  };
  if (params.sessionToken) prefetch(params.sessionToken);

  listen(params.apiOrigin, params.preview, {
    onToken(token) {
      bus.token = token;
      prefetch(token);
      bus.onToken?.(token);
    },
    onSettings(settings) {
      if (settings && typeof settings === 'object') bus.onSettings?.(settings as ConnectUISettings);
    },
    onCallback(kind, payload) {
      bus.onCallback?.(kind, payload);
    },
  });
  postToParent({ type: 'ready' });
  return bus;
}

// The first thing the UI does (spec §3.4): listen, say `ready`, and start reading the session and the integrations
// the moment the token is here. index.html runs it inline (src/early.ts), before any file is fetched, and leaves its
// bus on `window`; the app's module takes it from there (and boots itself only if the inline copy did not run).
import type { Bus } from './app';
import { createApi, readSession } from './lib/api';
import type { PageParams } from './lib/params';
import { listen, postToParent } from './lib/parent';
import type { ConnectUISettings } from './lib/types';

const global = window as { latchkeyConnectBus?: Bus };

/** The inline boot's bus, taken off `window` (it holds the token), or a new boot when there is none. */
export function takeBus(params: PageParams): Bus {
  const bus = global.latchkeyConnectBus ?? boot(params);
  delete global.latchkeyConnectBus;
  return bus;
}

export function boot(params: PageParams): Bus {
  const bus: Bus = { token: null };
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
      if (!settings || typeof settings !== 'object') return;
      // Kept: the parent may send them on `ready`, before the app is there to take them.
      bus.settings = settings as ConnectUISettings;
      bus.onSettings?.(bus.settings);
    },
    onCallback(kind, payload) {
      bus.onCallback?.(kind, payload);
    },
  });
  postToParent({ type: 'ready' });
  return bus;
}

// Boot (spec §3.4): listen, say `ready` at once, and start reading the session the moment the token is here. The app
// itself (Preact and the screens) is another chunk, which index.html preloads: it downloads and compiles while this
// small one runs, the token travels, the session is read and the language loads.
import type { Bus } from './app';
import { chooseLanguage, isRightToLeft, loadMessages } from './i18n';
import { createApi, readSession } from './lib/api';
import { readParams } from './lib/params';
import { listen, postToParent } from './lib/parent';
import { applyTheme } from './lib/theme';
import type { ConnectUISettings } from './lib/types';
import './styles.css';

const params = readParams(window.location, window.self === window.top);
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
    if (settings && typeof settings === 'object') bus.onSettings?.(settings as ConnectUISettings);
  },
  onCallback(kind, payload) {
    bus.onCallback?.(kind, payload);
  },
});
postToParent({ type: 'ready' });

const language = chooseLanguage(params.lang, navigator.languages ?? [navigator.language]);
const root = document.documentElement;
root.lang = language;
root.dir = isRightToLeft(language) ? 'rtl' : 'ltr';
if (params.standalone) root.setAttribute('data-standalone', '');
if (params.theme) applyTheme(params.theme, undefined);

void Promise.all([import('./start'), loadMessages(language)]).then(([{ start }, messages]) => start(params, messages, bus));

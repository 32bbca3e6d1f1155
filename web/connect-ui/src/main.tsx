// Boot (spec §3.4): listen, say `ready` at once, then render in the chosen language while the token travels.
import { render } from 'preact';
import { App, type Bus } from './app';
import { chooseLanguage, isRightToLeft, loadMessages } from './i18n';
import { listen, postToParent } from './lib/parent';
import { readParams } from './lib/params';
import { applyTheme } from './lib/theme';
import type { ConnectUISettings } from './lib/types';
import './styles.css';

const params = readParams(window.location, window.self === window.top);
const bus: Bus = { token: null };

listen(params.apiOrigin, params.preview, {
  onToken(token) {
    bus.token = token;
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

void loadMessages(language).then((messages) => {
  const app = document.getElementById('app')!;
  app.textContent = '';
  render(<App params={params} messages={messages} bus={bus} />, app);
});

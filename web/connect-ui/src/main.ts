// The app's entry: the bus the inline boot started (src/boot.ts), the language, then the app itself — Preact and the
// screens, its own chunk, which index.html preloads so it downloads while this small one runs.
import { takeBus } from './boot';
import { chooseLanguage, isRightToLeft, loadMessages } from './i18n';
import { readParams } from './lib/params';
import { applyTheme } from './lib/theme';
import './styles.css';

const params = readParams(window.location, window.self === window.top);
const bus = takeBus(params);

const language = chooseLanguage(params.lang, navigator.languages ?? [navigator.language]);
const root = document.documentElement;
root.lang = language;
root.dir = isRightToLeft(language) ? 'rtl' : 'ltr';
if (params.standalone) root.setAttribute('data-standalone', '');
if (params.embedded) root.setAttribute('data-embedded', '');
if (params.theme) applyTheme(params.theme, undefined);

void Promise.all([import('./start'), loadMessages(language)]).then(([{ start }, messages]) => start(params, messages, bus));

// Entry of the <script> build: `window.Nango` is the class itself, with the other classes hung on it.
import { AuthError } from './auth-error.js';
import { ConnectUI } from './connect-ui.js';
import { Nango } from './nango.js';

(globalThis as { Nango?: unknown }).Nango = Object.assign(Nango, { AuthError, ConnectUI });

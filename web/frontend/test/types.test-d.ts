// Compile-time checks of the public types; `tsc --noEmit` (npm test) fails if any line below stops holding.
// An unused `@ts-expect-error` is itself an error, so each of those lines must really be rejected.
import Nango, {
  AuthError,
  ConnectUI,
  Nango as NamedNango,
  type AuthErrorType,
  type AuthOptions,
  type AuthResult,
  type AuthSuccess,
  type ConnectUIEvent,
  type ConnectUIProps,
  type ConnectionConfig,
} from '../src/index.js';
import { useConnectUI } from '../src/react/index.js';
import { readRedirectResult, type RedirectResult } from '../src/redirect.js';

const sameClass: typeof Nango = NamedNango;

// Constructor: a session token or a legacy public key, not both.
new Nango();
new Nango({ connectSessionToken: 'token', host: 'https://auth.example.com', websocketsPath: '/', width: 1, height: 2, debug: true });
new Nango({ publicKey: 'key' });
// @ts-expect-error both credentials at once
new Nango({ publicKey: 'key', connectSessionToken: 'token' });
// @ts-expect-error host is a string
new Nango({ host: 3003 });

const nango = new Nango({ connectSessionToken: 'token' });

// auth(): both overloads, typed credentials.
const pending: Promise<AuthResult> = nango.auth('github', { detectClosedAuthWindow: true, user_scope: ['repo'] });
nango.auth('acme', 'connection-1', { credentials: { apiKey: 'k' }, params: { domain: 'eu' } });
nango.auth('acme', { credentials: { username: 'u', password: 'p' } });
nango.auth('acme', { credentials: { client_id: 'i', client_secret: 's' } });
nango.auth('acme', { credentials: { type: 'TWO_STEP', anything: 'x' }, assertionOption: { aud: 'a' } });
nango.auth('github', { credentials: { oauth_client_id_override: 'i', oauth_client_secret_override: 's' } });
nango.auth('acme', { installation: 'outbound', credentials: { type: 'OAUTH2' } });
nango.auth('acme', { authorization_params: { prompt: 'consent', scope: undefined } });
// @ts-expect-error the integration key is required
nango.auth();
// @ts-expect-error a misspelt credential field
nango.auth('acme', { credentials: { apikey: 'k' } });
// @ts-expect-error only 'outbound' installations exist
nango.auth('acme', { installation: 'inbound' });
// @ts-expect-error user_scope is a list
nango.auth('acme', { user_scope: 'repo' });
nango.reconnect('acme', { detectClosedAuthWindow: true });
// @ts-expect-error the integration key is required
nango.reconnect();
nango.create('none-provider', 'connection-1', { params: { a: 'b' } });
nango.clear();

pending.then((result: AuthSuccess) => {
  const id: string = result.connectionId;
  const key: string = result.providerConfigKey;
  const isPending: boolean | undefined = result.isPending;
  return [id, key, isPending];
});

// AuthError: a real Error whose type also accepts server codes.
const error = new AuthError('closed', 'window_closed');
const known: AuthErrorType = 'connection_test_failed';
const noVerdict: AuthErrorType[] = ['provider_unreachable', 'provider_error'];
const anyCode: string = error.type;
const fromServer = new AuthError('denied', 'unknown_connect_session_token');
// @ts-expect-error the type is required
new AuthError('message');
const asError: Error = fromServer;

// Connect UI.
const onEvent = (event: ConnectUIEvent) => {
  if (event.type === 'connect') return event.payload.connectionId;
  if (event.type === 'error') return event.payload.errorType + event.payload.errorMessage;
  // @ts-expect-error ready carries no payload
  return event.payload;
};
const connectUI: ConnectUI = nango.openConnectUI({ onEvent, lang: 'fr', themeOverride: 'dark', detectClosedAuthWindow: true });
connectUI.setSessionToken('token');
connectUI.open();
connectUI.close();
const frame: HTMLIFrameElement | null = connectUI.iframe;
new ConnectUI({ sessionToken: 'token', baseURL: 'https://auth.example.com/connect-ui/', apiURL: 'https://auth.example.com' });
nango.openConnectUI({ container: document.createElement('div') });
// @ts-expect-error the container is an element, not a selector
nango.openConnectUI({ container: '#panel' });
// @ts-expect-error themes are light, dark or system
nango.openConnectUI({ themeOverride: 'blue' });
// @ts-expect-error the token is a string
connectUI.setSessionToken();
const props: ConnectUIProps = {};
const options: AuthOptions = {};
const config: ConnectionConfig = { hmac: 'h' };

// React hook: exactly one token source, and an event handler.
export function Component() {
  const a = useConnectUI({ sessionToken: 'token', onEvent });
  const b = useConnectUI({ getSessionToken: async () => 'token', onEvent, themeOverride: 'system' });
  // @ts-expect-error both token sources
  useConnectUI({ sessionToken: 'token', getSessionToken: () => 'token', onEvent });
  // @ts-expect-error no token source
  useConnectUI({ onEvent });
  // @ts-expect-error no event handler
  useConnectUI({ sessionToken: 'token' });
  const opened: Promise<void> = a.open();
  const isOpen: boolean = b.isOpen;
  b.close();
  return [opened, isOpen];
}

export { anyCode, asError, config, error, frame, known, noVerdict, options, props, sameClass };

// Redirect mode (issue 19): a return address is required; the outcome's reader is its own entry.
void nango.auth('github', { redirect: { returnUrl: 'https://app.example.com/done' } });
// @ts-expect-error redirect needs its returnUrl
void nango.auth('github', { redirect: {} });
nango.openConnectUI({ oauthMode: 'redirect' });
// @ts-expect-error only 'popup' or 'redirect'
nango.openConnectUI({ oauthMode: 'tab' });
const returned: RedirectResult | null = readRedirectResult('https://app.example.com/?latchkey_result=success');
if (returned?.type === 'error') void returned.errorType;

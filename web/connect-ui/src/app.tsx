// The Connect UI: one dialog, a few screens (spec §3.2–3.9). State lives here, each screen in screens/; pure logic lives in lib/.
import type { AuthResult } from '@latchkey/frontend';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { Dialog } from './Dialog';
import { translator, type Messages, type Translator } from './i18n';
import { createApi, isUnauthorized, readSession, type Api, type SessionReads } from './lib/api';
import { buildFields, initialValues, type Field, type Values } from './lib/form';
import type { PageParams } from './lib/params';
import { postToParent, type CallbackPayload } from './lib/parent';
import { sampleApi } from './lib/sample';
import { forgetOutcomeInAddress } from './lib/redirect';
import { createTelemetry } from './lib/telemetry';
import { applyTheme, effectiveTheme } from './lib/theme';
import type { ConnectUISettings, Integration, Provider, Session } from './lib/types';
import { ConnectForm } from './screens/ConnectForm';
import { Failure } from './screens/Failure';
import { Fatal } from './screens/Fatal';
import { IntegrationList } from './screens/IntegrationList';
import { Loading } from './screens/Loading';
import { Success } from './screens/Success';

export interface Bus {
  token: string | null;
  /** The session's reads, started by the boot (src/boot.ts) as soon as it had the token. */
  prefetched?: SessionReads & { token: string };
  /** The latest `settings_changed` of preview mode; they win over the session's. */
  settings?: ConnectUISettings;
  onToken?: (token: string) => void;
  onSettings?: (settings: ConnectUISettings) => void;
  onCallback?: (kind: 'success' | 'error', payload: CallbackPayload | undefined) => void;
}

type Screen =
  | { kind: 'loading' }
  | { kind: 'fatal'; reason: 'expired' | 'missing' | 'failed' }
  | { kind: 'list' }
  | { kind: 'form' }
  | { kind: 'success'; result: AuthResult; at: Date; provider: string }
  | { kind: 'failure'; type: string; message: string };

export interface Selection {
  integration: Integration;
  provider: Provider;
  fields: Field[];
  single: boolean;
}

const expiredCodes = new Set(['unknown_connect_session_token', 'invalid_connect_session_token_format', 'expired_connect_session_token']);
const TOKEN_WAIT_MS = 10_000;

export function App({ params, messages, bus }: { params: PageParams; messages: Messages; bus: Bus }) {
  const [token, setToken] = useState<string | null>(params.sessionToken ?? bus.token);
  const [screen, setScreen] = useState<Screen>({ kind: 'loading' });
  const [session, setSession] = useState<Session | null>(null);
  const [settings, setSettings] = useState<ConnectUISettings | undefined>(bus.settings);
  const [integrations, setIntegrations] = useState<Integration[]>([]);
  const [selection, setSelection] = useState<Selection | null>(null);
  const [values, setValues] = useState<Values>({});
  const [dirty, setDirty] = useState(false);
  const tokenRef = useRef(token);
  tokenRef.current = token;
  const t: Translator = useMemo(() => translator(document.documentElement.lang, messages, settings?.strings), [messages, settings]);
  const telemetry = useMemo(() => createTelemetry(params.apiURL, params.preview, () => tokenRef.current), [params]);
  const returnFocus = useRef<string | null>(null);
  // Preview mode without a session shows a sample integration (the dashboard's theme preview).
  const apiFor = (current: string | null): Api => (current ? createApi(params.apiURL, current, t.language) : sampleApi);

  // Token: from the URL (standalone), else from the parent; nobody sends one to a top-level page.
  useEffect(() => {
    bus.onToken = (received) => {
      setToken(received);
      telemetry('open');
    };
    if (bus.token && !token) setToken(bus.token);
    if (token || params.preview) return;
    if (params.standalone) {
      // Back from the provider without the token (storage refused): the outcome is still worth showing.
      if (params.redirectResult) showReturned(params.redirectResult.providerConfigKey);
      else setScreen({ kind: 'fatal', reason: 'missing' });
      return;
    }
    const timer = setTimeout(() => {
      if (!tokenRef.current) setScreen({ kind: 'fatal', reason: 'missing' });
    }, TOKEN_WAIT_MS);
    return () => clearTimeout(timer);
  }, []);

  useEffect(() => {
    bus.onSettings = (next) => {
      setSettings(next);
      applyTheme(effectiveTheme(params.theme, next), next);
    };
    if (bus.settings) bus.onSettings(bus.settings);
  }, []);

  // Session (read alongside the integrations) → settings → the list, or straight to the only (or reconnected) integration.
  useEffect(() => {
    if (!token && !params.preview) return;
    let cancelled = false;
    const api = apiFor(token);
    const reads = token && bus.prefetched?.token === token ? bus.prefetched : readSession(api);
    setScreen({ kind: 'loading' });
    (async () => {
      try {
        const loaded = await reads.session;
        if (cancelled) return;
        setSession(loaded);
        const shown = (params.preview && bus.settings) || loaded.connectUISettings;
        setSettings(shown);
        applyTheme(effectiveTheme(params.theme, shown), shown);
        const list = await reads.integrations;
        if (cancelled) return;
        setIntegrations(list);
        if (params.redirectResult) {
          const returnedTo = list.find((i) => i.unique_key === params.redirectResult?.providerConfigKey);
          // The form behind the outcome, so that "Try again" returns to it.
          if (returnedTo) await open(returnedTo, loaded, list.length === 1, api);
          if (!cancelled) showReturned(returnedTo?.display_name ?? params.redirectResult.providerConfigKey);
          return;
        }
        const allowed = loaded.allowed_integrations ?? [];
        const direct = loaded.isReconnecting && allowed.length >= 1
          ? list.find((i) => i.unique_key === allowed[0])
          : list.length === 1 && allowed.length === 1 ? list[0] : undefined;
        if (direct) {
          await open(direct, loaded, true, api);
        } else {
          setScreen({ kind: 'list' });
          telemetry('view:list');
        }
      } catch (error) {
        if (cancelled) return;
        setScreen({ kind: 'fatal', reason: isUnauthorized(error) ? 'expired' : 'failed' });
      }
    })();
    return () => { cancelled = true; };
  }, [token]);

  // The page is the return address of an OAuth flow in redirect mode: its outcome, as the popup's would have shown.
  // Nothing goes to a parent: a standalone page has none, and an embedded UI never returns to itself.
  function showReturned(provider: string) {
    const returned = params.redirectResult;
    if (!returned) return;
    forgetOutcomeInAddress();
    if (returned.type === 'success') {
      const { providerConfigKey, connectionId, isPending } = returned;
      telemetry('view:success', providerConfigKey);
      setScreen({ kind: 'success', result: { providerConfigKey, connectionId, isPending }, at: new Date(), provider });
    } else if (expiredCodes.has(returned.errorType)) {
      setScreen({ kind: 'fatal', reason: 'expired' });
    } else {
      setScreen({ kind: 'failure', type: returned.errorType, message: returned.errorMessage });
    }
  }

  async function open(integration: Integration, current: Session | null, single: boolean, api = apiFor(token)) {
    setScreen({ kind: 'loading' });
    try {
      const provider = await api.provider(integration.provider);
      const fields = buildFields(provider, integration, current);
      setSelection({ integration, provider, fields, single });
      setValues(initialValues(fields));
      setDirty(false);
      setScreen({ kind: 'form' });
      telemetry('view:integration', integration.unique_key);
    } catch (error) {
      setScreen(isUnauthorized(error) ? { kind: 'fatal', reason: 'expired' } : { kind: 'failure', type: 'unknown_error', message: String((error as Error).message) });
    }
  }

  function requestClose(origin: 'click:close' | 'click:outside' | 'click:finish' | 'escape') {
    if (params.standalone) return;
    if (dirty && screen.kind === 'form' && !window.confirm(t('confirm.discard'))) return;
    telemetry(origin === 'escape' ? 'click:close' : origin, selection?.integration.unique_key);
    postToParent({ type: 'close' });
  }

  // Escape closes (with the same confirmation as the × button).
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape' && !event.defaultPrevented) {
        event.preventDefault();
        requestClose('escape');
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  });

  const showBack = (screen.kind === 'form' && selection && !selection.single) || false;
  const back = () => {
    returnFocus.current = selection?.integration.unique_key ?? null;
    setSelection(null);
    setScreen({ kind: 'list' });
  };

  return (
    <div class="backdrop" onClick={(event) => { if (event.target === event.currentTarget) { requestClose('click:outside'); } }}>
      <Dialog t={t} standalone={params.standalone} showBack={showBack} onBack={back} onClose={() => requestClose('click:close')} watermark={Boolean(settings?.showWatermark)} screenKey={screen.kind}>
        {screen.kind === 'loading' && <Loading t={t} />}
        {screen.kind === 'fatal' && <Fatal t={t} reason={screen.reason} standalone={params.standalone} onClose={() => requestClose('click:close')} />}
        {screen.kind === 'list' && (
          <IntegrationList t={t} integrations={integrations} focusKey={returnFocus.current} standalone={params.standalone}
            onClose={() => requestClose('click:close')}
            onPick={(integration) => { telemetry('click:integration', integration.unique_key); void open(integration, session, false); }} />
        )}
        {screen.kind === 'form' && selection && (token || params.preview) && (
          <ConnectForm t={t} params={params} token={token ?? ''} session={session} selection={selection} values={values}
            telemetry={telemetry}
            onChange={(id, value) => { setValues((v) => ({ ...v, [id]: value })); setDirty(true); }}
            bus={bus}
            onOutcome={(outcome) => {
              if ('result' in outcome) {
                setDirty(false);
                setScreen({ kind: 'success', result: outcome.result, at: new Date(), provider: selection.integration.display_name });
              } else if (expiredCodes.has(outcome.type)) {
                setScreen({ kind: 'fatal', reason: 'expired' });
              } else {
                setScreen({ kind: 'failure', type: outcome.type, message: outcome.message });
              }
            }} />
        )}
        {screen.kind === 'success' && (
          <Success t={t} provider={screen.provider} at={screen.at} standalone={params.standalone} onFinish={() => requestClose('click:finish')} />
        )}
        {screen.kind === 'failure' && (
          <Failure t={t} type={screen.type} message={screen.message} provider={selection?.integration.display_name ?? ''}
            onRetry={() => setScreen(selection ? { kind: 'form' } : { kind: 'list' })} />
        )}
      </Dialog>
    </div>
  );
}

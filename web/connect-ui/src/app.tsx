// The Connect UI: one dialog, a few screens (spec §3.2–3.9). State lives here; pure logic lives in lib/.
import Nango, { AuthError, type AuthOptions, type AuthResult } from '@latchkey/frontend';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { translator, type MessageKey, type Messages, type Translator } from './i18n';
import { ApiError, createApi } from './lib/api';
import { buildFields, docLinks, initialValues, submission, usesPopup, validate, type Field, type Problem, type Values } from './lib/form';
import { websocketsPathFor, type PageParams } from './lib/params';
import { postToParent, type CallbackPayload } from './lib/parent';
import { createTelemetry } from './lib/telemetry';
import { applyTheme, effectiveTheme } from './lib/theme';
import type { ConnectUISettings, Integration, Provider, Session } from './lib/types';

export interface Bus {
  token: string | null;
  onToken?: (token: string) => void;
  onSettings?: (settings: ConnectUISettings) => void;
  onCallback?: (kind: 'success' | 'error', payload: CallbackPayload | undefined) => void;
}

type Screen =
  | { kind: 'loading' }
  | { kind: 'fatal'; reason: 'expired' | 'missing' | 'failed' }
  | { kind: 'list' }
  | { kind: 'form' }
  | { kind: 'success'; result: AuthResult; at: Date }
  | { kind: 'failure'; type: string; message: string };

interface Selection {
  integration: Integration;
  provider: Provider;
  fields: Field[];
  single: boolean;
}

const expiredCodes = new Set(['unknown_connect_session_token', 'invalid_connect_session_token_format', 'expired_connect_session_token']);
const SEARCH_THRESHOLD = 6;
const TOKEN_WAIT_MS = 10_000;

export function App({ params, messages, bus }: { params: PageParams; messages: Messages; bus: Bus }) {
  const [token, setToken] = useState<string | null>(params.sessionToken ?? bus.token);
  const [screen, setScreen] = useState<Screen>({ kind: 'loading' });
  const [session, setSession] = useState<Session | null>(null);
  const [settings, setSettings] = useState<ConnectUISettings | undefined>(undefined);
  const [integrations, setIntegrations] = useState<Integration[]>([]);
  const [selection, setSelection] = useState<Selection | null>(null);
  const [values, setValues] = useState<Values>({});
  const [dirty, setDirty] = useState(false);
  const tokenRef = useRef(token);
  tokenRef.current = token;
  const t: Translator = useMemo(() => translator(document.documentElement.lang, messages, settings?.strings), [messages, settings]);
  const telemetry = useMemo(() => createTelemetry(params.apiURL, params.preview, () => tokenRef.current), [params]);
  const returnFocus = useRef<string | null>(null);

  // Token: from the URL (standalone), else from the parent; nobody sends one to a top-level page.
  useEffect(() => {
    bus.onToken = (received) => {
      setToken(received);
      telemetry('open');
    };
    if (bus.token && !token) setToken(bus.token);
    if (token) return;
    if (params.standalone) {
      setScreen({ kind: 'fatal', reason: 'missing' });
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
  }, []);

  // Session → settings → integrations → the list, or straight to the only (or reconnected) integration.
  useEffect(() => {
    if (!token) return;
    let cancelled = false;
    const api = createApi(params.apiURL, token);
    setScreen({ kind: 'loading' });
    (async () => {
      try {
        const loaded = await api.session();
        if (cancelled) return;
        setSession(loaded);
        setSettings(loaded.connectUISettings);
        applyTheme(effectiveTheme(params.theme, loaded.connectUISettings), loaded.connectUISettings);
        const list = await api.integrations();
        if (cancelled) return;
        setIntegrations(list);
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
        setScreen({ kind: 'fatal', reason: error instanceof ApiError && error.status === 401 ? 'expired' : 'failed' });
      }
    })();
    return () => { cancelled = true; };
  }, [token]);

  async function open(integration: Integration, current: Session | null, single: boolean, api = createApi(params.apiURL, token ?? '')) {
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
      setScreen(error instanceof ApiError && error.status === 401 ? { kind: 'fatal', reason: 'expired' } : { kind: 'failure', type: 'unknown_error', message: String((error as Error).message) });
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
        {screen.kind === 'form' && selection && token && (
          <ConnectForm t={t} params={params} token={token} session={session} selection={selection} values={values}
            telemetry={telemetry}
            onChange={(id, value) => { setValues((v) => ({ ...v, [id]: value })); setDirty(true); }}
            bus={bus}
            onOutcome={(outcome) => {
              if ('result' in outcome) {
                setDirty(false);
                setScreen({ kind: 'success', result: outcome.result, at: new Date() });
              } else if (expiredCodes.has(outcome.type)) {
                setScreen({ kind: 'fatal', reason: 'expired' });
              } else {
                setScreen({ kind: 'failure', type: outcome.type, message: outcome.message });
              }
            }} />
        )}
        {screen.kind === 'success' && selection && (
          <Success t={t} provider={selection.integration.display_name} at={screen.at} standalone={params.standalone} onFinish={() => requestClose('click:finish')} />
        )}
        {screen.kind === 'failure' && (
          <Failure t={t} type={screen.type} message={screen.message} provider={selection?.integration.display_name ?? ''}
            onRetry={() => setScreen(selection ? { kind: 'form' } : { kind: 'list' })} />
        )}
      </Dialog>
    </div>
  );
}

function Dialog(props: {
  t: Translator; standalone: boolean; showBack: boolean; onBack(): void; onClose(): void; watermark: boolean; screenKey: string;
  children: preact.ComponentChildren;
}) {
  const { t } = props;
  const ref = useRef<HTMLDivElement>(null);

  // Focus stays inside the dialog: Tab from the last control goes to the first, Shift+Tab the other way round.
  useEffect(() => {
    const dialog = ref.current!;
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== 'Tab') return;
      const focusable = [...dialog.querySelectorAll<HTMLElement>('a[href],button:not([disabled]),input:not([disabled]):not([type=hidden]),select:not([disabled]),textarea,summary,[tabindex]:not([tabindex="-1"])')]
        .filter((el) => el.offsetParent !== null || el === document.activeElement);
      if (focusable.length === 0) return;
      const first = focusable[0]!;
      const last = focusable[focusable.length - 1]!;
      const active = document.activeElement;
      if (event.shiftKey && (active === first || !dialog.contains(active))) {
        event.preventDefault();
        last.focus();
      } else if (!event.shiftKey && (active === last || !dialog.contains(active))) {
        event.preventDefault();
        first.focus();
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);

  // Each new screen moves focus to its first field or its heading, so keyboard and screen-reader users follow along.
  useEffect(() => {
    const dialog = ref.current!;
    // A screen that already placed focus (the list returning to the integration you came from) keeps it.
    if (document.activeElement && document.activeElement !== document.body && dialog.contains(document.activeElement)) return;
    const target = dialog.querySelector<HTMLElement>('[data-autofocus]') ?? dialog.querySelector<HTMLElement>('h1');
    target?.focus();
  }, [props.screenKey]);

  return (
    <div ref={ref} class="dialog" role="dialog" aria-modal="true" aria-label={t('dialog.label')}>
      <div class="topbar">
        {props.showBack ? (
          <button type="button" class="icon-button" onClick={props.onBack} aria-label={t('back')}>
            <svg viewBox="0 0 24 24" aria-hidden="true" class="flip"><path d="M15 6l-6 6 6 6" /></svg>
          </button>
        ) : <span />}
        {!props.standalone && (
          <button type="button" class="icon-button" onClick={props.onClose} aria-label={t('close')}>
            <svg viewBox="0 0 24 24" aria-hidden="true"><path d="M6 6l12 12M18 6L6 18" /></svg>
          </button>
        )}
      </div>
      <main class="content">{props.children}</main>
      {props.watermark && <footer class="watermark">{t('watermark')}</footer>}
    </div>
  );
}

function Loading({ t }: { t: Translator }) {
  return (
    <div class="loading" role="status">
      <span class="spinner" aria-hidden="true" />
      <span class="visually-hidden">{t('loading')}</span>
    </div>
  );
}

function Fatal({ t, reason, standalone, onClose }: { t: Translator; reason: 'expired' | 'missing' | 'failed'; standalone: boolean; onClose(): void }) {
  const title: MessageKey = reason === 'expired' ? 'session.expiredTitle' : 'error.title';
  const text: MessageKey = reason === 'expired' ? 'session.expired' : reason === 'missing' ? 'session.missing' : 'session.failed';
  return (
    <section class="screen center" data-screen={`fatal-${reason}`}>
      <div class="badge badge-error" aria-hidden="true">!</div>
      <h1 tabIndex={-1}>{t(title)}</h1>
      <p role="alert">{t(text)}</p>
      {!standalone && <button type="button" class="button secondary" onClick={onClose}>{t('close')}</button>}
    </section>
  );
}

function Logo({ src }: { src: string | undefined }) {
  return src ? <img class="logo" src={src} alt="" width={40} height={40} /> : <span class="logo" />;
}

function IntegrationList(props: {
  t: Translator; integrations: Integration[]; focusKey: string | null; standalone: boolean; onPick(i: Integration): void; onClose(): void;
}) {
  const { t, integrations } = props;
  const [query, setQuery] = useState('');
  const shown = useMemo(() => {
    const q = query.trim().toLowerCase();
    return q ? integrations.filter((i) => i.display_name.toLowerCase().includes(q) || i.provider.toLowerCase().includes(q)) : integrations;
  }, [query, integrations]);
  const listRef = useRef<HTMLUListElement>(null);
  useEffect(() => {
    if (props.focusKey) listRef.current?.querySelector<HTMLElement>(`[data-key="${CSS.escape(props.focusKey)}"]`)?.focus();
  }, []);

  if (integrations.length === 0) {
    return (
      <section class="screen center" data-screen="empty">
        <h1 tabIndex={-1}>{t('list.title')}</h1>
        <p>{t('list.empty')}</p>
        {!props.standalone && <button type="button" class="button secondary" onClick={props.onClose}>{t('close')}</button>}
      </section>
    );
  }
  return (
    <section class="screen" data-screen="list">
      <h1 tabIndex={-1}>{t('list.title')}</h1>
      <p class="muted">{t('list.subtitle')}</p>
      {integrations.length >= SEARCH_THRESHOLD && (
        <div class="field">
          <label class="visually-hidden" for="search">{t('search.label')}</label>
          <input id="search" type="search" class="input" placeholder={t('search.placeholder')} value={query} data-autofocus
            onInput={(e) => setQuery((e.target as HTMLInputElement).value)} autocomplete="off" />
        </div>
      )}
      <p class="muted small" aria-live="polite">{shown.length === 0 ? t('list.noMatch') : t('list.count', { count: shown.length })}</p>
      <ul class="integrations" ref={listRef}>
        {shown.map((integration) => (
          <li key={integration.unique_key}>
            <button type="button" class="integration" data-key={integration.unique_key} onClick={() => props.onPick(integration)}>
              <Logo src={integration.logo} />
              <span>{integration.display_name}</span>
              <svg viewBox="0 0 24 24" aria-hidden="true" class="chevron flip"><path d="M9 6l6 6-6 6" /></svg>
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}

type Outcome = { result: AuthResult } | { type: string; message: string };

function ConnectForm(props: {
  t: Translator; params: PageParams; token: string; session: Session | null; selection: Selection; values: Values;
  telemetry: ReturnType<typeof createTelemetry>; bus: Bus;
  onChange(id: string, value: string): void; onOutcome(outcome: Outcome): void;
}) {
  const { t, params, selection, values } = props;
  const { integration, provider, fields } = selection;
  const [problems, setProblems] = useState<Record<string, Problem>>({});
  const [submitting, setSubmitting] = useState(false);
  const [inlineError, setInlineError] = useState<string | null>(null);
  const [revealed, setRevealed] = useState<Record<string, boolean>>({});
  const nango = useMemo(() => new Nango({
    connectSessionToken: props.token,
    host: params.apiURL,
    websocketsPath: websocketsPathFor(params.apiURL, props.session?.websocketsPath),
  }), [props.token]);
  const visible = fields.filter((f) => !f.hidden);
  const docs = docLinks(provider, props.session, integration.unique_key);
  const labelOf = (f: Field) => f.title ?? translateFieldName(t, f.name);
  const popup = usesPopup(provider);
  const key = integration.unique_key;

  // One outcome per attempt: the callback page and the WebSocket may both report the same failure.
  const settled = useRef(false);

  // The OAuth callback page reports to its opener (this frame); an error there is final (spec §3.8). It carries the
  // precise error type (DESIGN decision 13); connection_validation_failed is the spec's fallback.
  useEffect(() => {
    props.bus.onCallback = (kind, payload) => {
      if (kind !== 'error' || settled.current) return;
      settled.current = true;
      nango.clear();
      setSubmitting(false);
      const type = payload?.errorType || 'connection_validation_failed';
      const message = payload?.message ?? t('error.unknown');
      postToParent({ type: 'error', payload: { errorType: type, errorMessage: message } });
      props.onOutcome({ type, message });
    };
    return () => { props.bus.onCallback = undefined; };
  }, []);

  // Must stay synchronous up to nango.auth(): the popup opens inside the click (spec §2.6).
  function submit(event: Event) {
    event.preventDefault();
    if (submitting) return;
    const found = validate(fields, values);
    setProblems(found);
    setInlineError(null);
    const firstBad = visible.find((f) => found[f.id]);
    if (firstBad) {
      document.getElementById(firstBad.id)?.focus();
      return;
    }
    if (params.preview) return;
    props.telemetry('click:connect', key);
    settled.current = false;
    const sent = submission(fields, values);
    nango.clear();
    let attempt: Promise<AuthResult>;
    try {
      if (provider.auth_mode === 'NONE') {
        attempt = nango.create(key, { params: sent.params });
      } else if (popup) {
        const overrides = sent.credentials;
        const options: Record<string, unknown> = { params: sent.params, detectClosedAuthWindow: params.detectClosedAuthWindow };
        if (overrides['oauth_client_id_override'] || overrides['oauth_client_secret_override'] || overrides['oauth_refresh_token_override']) {
          options['credentials'] = { oauth_client_id_override: '', oauth_client_secret_override: '', ...overrides };
        }
        attempt = nango.auth(key, options as AuthOptions);
      } else {
        attempt = nango.auth(key, {
          params: sent.params,
          credentials: { ...sent.credentials, type: provider.auth_mode },
          detectClosedAuthWindow: params.detectClosedAuthWindow,
          ...(provider.installation ? { installation: provider.installation } : {}),
          ...(Object.keys(sent.assertionOption).length > 0 ? { assertionOption: sent.assertionOption } : {}),
        } as unknown as AuthOptions);
      }
    } catch (error) {
      attempt = Promise.reject(error);
    }
    setSubmitting(true);
    attempt.then(
      (result) => {
        if (settled.current) return;
        settled.current = true;
        setSubmitting(false);
        props.telemetry('view:success', key);
        postToParent({ type: 'connect', payload: result });
        props.onOutcome({ result });
      },
      (error: unknown) => {
        if (settled.current) return;
        settled.current = true;
        setSubmitting(false);
        const type = error instanceof AuthError ? error.type : 'unknown_error';
        const message = error instanceof Error ? error.message : String(error);
        postToParent({ type: 'error', payload: { errorType: type, errorMessage: message } });
        if (type === 'blocked_by_browser' || type === 'window_closed') {
          props.telemetry(type === 'blocked_by_browser' ? 'popup:blocked_by_browser' : 'popup:closed_early', key);
          setInlineError(t(type === 'blocked_by_browser' ? 'error.blocked_by_browser' : 'error.window_closed'));
          return;
        }
        props.telemetry(type === 'connection_test_failed' ? 'view:credentials_error' : 'view:unknown_error', key);
        props.onOutcome({ type, message });
      },
    );
  }

  const problemCount = Object.keys(problems).length;
  const title = props.session?.isReconnecting ? t('form.reconnectTitle', { provider: integration.display_name }) : t('form.title', { provider: integration.display_name });
  return (
    <section class="screen" data-screen="form">
      <div class="heading-row">
        <Logo src={integration.logo} />
        <h1 tabIndex={-1}>{title}</h1>
      </div>
      {docs.guide && (
        <p class="small"><a href={docs.guide} target="_blank" rel="noopener noreferrer" onClick={() => props.telemetry('click:doc', key)}>{t('form.guide')}</a></p>
      )}
      <form onSubmit={submit} noValidate>
        {visible.length === 0 && (
          <p>{t('form.noFields', { provider: integration.display_name })}{popup && <> {t('form.popupNotice', { provider: integration.display_name })}</>}</p>
        )}
        {visible.map((f, index) => {
          const label = labelOf(f);
          const problem = problems[f.id];
          const described = [f.description && !f.hideDescription ? `${f.id}-desc` : '', problem ? `${f.id}-err` : ''].filter(Boolean).join(' ') || undefined;
          const section = docs.section(f);
          const common = {
            id: f.id, name: f.id, 'aria-invalid': problem ? true : undefined, 'aria-describedby': described,
            'aria-required': !f.optional, 'data-autofocus': index === 0 ? true : undefined,
          };
          return (
            <div class="field" key={f.id}>
              <div class="label-row">
                <label for={f.id}>{label}{f.optional && <span class="muted"> ({t('form.optional')})</span>}</label>
                {section && (
                  <a class="help" href={section} target="_blank" rel="noopener noreferrer" aria-label={t('form.fieldHelp', { field: label })}
                    onClick={() => props.telemetry('click:doc_section', key)}>?</a>
                )}
              </div>
              {f.description && !f.hideDescription && <p class="muted small" id={`${f.id}-desc`}>{f.description}</p>}
              <div class={`control${problem ? ' invalid' : ''}`}>
                {f.prefix && <span class="affix" aria-hidden="true">{f.prefix}</span>}
                {f.enum && f.enum.length > 0 ? (
                  <select {...common} class="input" value={values[f.id]} onChange={(e) => props.onChange(f.id, (e.target as HTMLSelectElement).value)}>
                    {f.optional && <option value="" />}
                    {f.enum.map((option) => <option key={option} value={option}>{option}</option>)}
                  </select>
                ) : (
                  <input {...common} class="input" type={f.secret && !revealed[f.id] ? 'password' : 'text'} value={values[f.id]}
                    placeholder={f.example} autocomplete={f.secret ? 'off' : undefined} spellcheck={false} dir="auto"
                    onInput={(e) => props.onChange(f.id, (e.target as HTMLInputElement).value)} />
                )}
                {f.suffix && <span class="affix" aria-hidden="true">{f.suffix}</span>}
                {f.secret && !f.enum && (
                  <button type="button" class="reveal" aria-pressed={Boolean(revealed[f.id])} aria-controls={f.id}
                    onClick={() => setRevealed((r) => ({ ...r, [f.id]: !r[f.id] }))}>
                    {revealed[f.id] ? t('form.hideSecret') : t('form.showSecret')}
                  </button>
                )}
              </div>
              {problem && <p class="error small" id={`${f.id}-err`}>{t(problem === 'required' ? 'validation.required' : 'validation.pattern', { field: label })}</p>}
            </div>
          );
        })}
        <div role="alert" class="error small" aria-live="assertive">
          {problemCount > 0 ? t('form.invalidSummary') : inlineError ?? ''}
        </div>
        <button type="submit" class="button primary" disabled={submitting} data-autofocus={visible.length === 0 ? true : undefined}>
          {submitting ? t('form.submitting') : t('form.submit')}
        </button>
      </form>
    </section>
  );
}

function translateFieldName(t: Translator, name: string): string {
  const key = `field.${name}` as MessageKey;
  const text = t(key);
  return text === key ? name : text;
}

function Success({ t, provider, at, standalone, onFinish }: { t: Translator; provider: string; at: Date; standalone: boolean; onFinish(): void }) {
  return (
    <section class="screen center" data-screen="success">
      <div class="badge badge-success" aria-hidden="true">
        <svg viewBox="0 0 24 24"><path d="M5 12l5 5 9-10" /></svg>
      </div>
      <h1 tabIndex={-1}>{t('success.title')}</h1>
      <p role="status">{t('success.text', { provider })}</p>
      <p class="muted small">{t('success.when', { date: t.date(at) })}</p>
      {standalone
        ? <p class="muted">{t('success.closeTab')}</p>
        : <button type="button" class="button primary" onClick={onFinish} data-autofocus>{t('success.finish')}</button>}
    </section>
  );
}

function Failure({ t, type, message, provider, onRetry }: { t: Translator; type: string; message: string; provider: string; onRetry(): void }) {
  const known: Record<string, MessageKey> = {
    connection_test_failed: 'error.connection_test_failed',
    resource_capped: 'error.resource_capped',
    window_closed: 'error.window_closed',
    blocked_by_browser: 'error.blocked_by_browser',
  };
  const key = known[type];
  const text = key ? t(key, { provider }) : message || t('error.unknown');
  return (
    <section class="screen center" data-screen="failure" data-error-type={type}>
      <div class="badge badge-error" aria-hidden="true">!</div>
      <h1 tabIndex={-1}>{t('error.title')}</h1>
      <p role="alert">{text}</p>
      <details class="details">
        <summary>{t('error.details')}</summary>
        <code>{type}{message ? `: ${message}` : ''}</code>
      </details>
      <button type="button" class="button primary" onClick={onRetry} data-autofocus>{t('error.retry')}</button>
    </section>
  );
}

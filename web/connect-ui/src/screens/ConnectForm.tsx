// The chosen integration's fields (built from its provider's catalog entry) and the Connect button that submits
// them through @latchkey/frontend.
import Nango, { AuthError, type AuthOptions, type AuthResult } from '@latchkey/frontend';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { Bus, Selection } from '../app';
import { Logo } from '../components';
import type { MessageKey, Translator } from '../i18n';
import { docLinks, submission, usesPopup, validate, type Field, type Problem, type Values } from '../lib/form';
import { websocketsPathFor, type PageParams } from '../lib/params';
import { postToParent } from '../lib/parent';
import { redirectTarget, rememberToken } from '../lib/redirect';
import type { Telemetry } from '../lib/telemetry';
import type { Session } from '../lib/types';

type Outcome = { result: AuthResult } | { type: string; message: string };

export function ConnectForm(props: {
  t: Translator; params: PageParams; token: string; session: Session | null; selection: Selection; values: Values;
  telemetry: Telemetry; bus: Bus;
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
    const options: Record<string, unknown> = { params: sent.params, detectClosedAuthWindow: params.detectClosedAuthWindow };
    try {
      if (provider.auth_mode === 'NONE') {
        attempt = nango.create(key, { params: sent.params });
      } else if (popup) {
        const overrides = sent.credentials;
        if (overrides['oauth_client_id_override'] || overrides['oauth_client_secret_override'] || overrides['oauth_refresh_token_override']) {
          options['credentials'] = { oauth_client_id_override: '', oauth_client_secret_override: '', ...overrides };
        }
        const returnUrl = redirectTarget(params, window.location, false);
        if (returnUrl) {
          leaveForProvider(options, returnUrl);
          return;
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
        // A connect link whose popup was refused (an in-app browser) goes by redirect instead of giving up.
        const returnUrl = type === 'blocked_by_browser' && popup ? redirectTarget(params, window.location, true) : null;
        if (returnUrl) {
          props.telemetry('popup:blocked_by_browser', key);
          leaveForProvider(options, returnUrl);
          return;
        }
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

  // Redirect mode: the page goes to the provider and comes back with the outcome (lib/redirect.ts); the promise of
  // auth() never settles. A standalone page keeps its session token for its return.
  function leaveForProvider(options: Record<string, unknown>, returnUrl: string) {
    if (params.standalone) rememberToken(props.token);
    setSubmitting(true);
    void nango.auth(key, { ...options, redirect: { returnUrl } } as AuthOptions);
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

// The integrations the session allows, with a search box once the list is long.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { CloseButton, Logo } from '../components';
import type { Translator } from '../i18n';
import type { Integration } from '../lib/types';

const SEARCH_THRESHOLD = 6;

export function IntegrationList(props: {
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
        <CloseButton t={t} standalone={props.standalone} onClose={props.onClose} />
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

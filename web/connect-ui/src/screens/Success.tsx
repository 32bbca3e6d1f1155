// The account is connected: embedded, Finish closes the dialog; standalone, the user closes the tab.
import type { Translator } from '../i18n';

export function Success({ t, provider, at, standalone, onFinish }: { t: Translator; provider: string; at: Date; standalone: boolean; onFinish(): void }) {
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

// A failed attempt the user can retry: a message for the error types we know, the raw error under "details".
import { ErrorMessage } from '../components';
import type { MessageKey, Translator } from '../i18n';

export function Failure({ t, type, message, provider, onRetry }: { t: Translator; type: string; message: string; provider: string; onRetry(): void }) {
  const known: Record<string, MessageKey> = {
    connection_test_failed: 'error.connection_test_failed',
    invalid_credentials: 'error.connection_test_failed',
    // The provider gave no verdict: unreachable, or failing on its side. Not the user's credentials.
    provider_unreachable: 'error.provider_unreachable',
    provider_error: 'error.provider_error',
    resource_capped: 'error.resource_capped',
    window_closed: 'error.window_closed',
    blocked_by_browser: 'error.blocked_by_browser',
  };
  const key = known[type];
  const text = key ? t(key, { provider }) : message || t('error.unknown');
  return (
    <section class="screen center" data-screen="failure" data-error-type={type}>
      <ErrorMessage title={t('error.title')} text={text} />
      <details class="details">
        <summary>{t('error.details')}</summary>
        <code>{type}{message ? `: ${message}` : ''}</code>
      </details>
      <button type="button" class="button primary" onClick={onRetry} data-autofocus>{t('error.retry')}</button>
    </section>
  );
}

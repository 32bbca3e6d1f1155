// A dead end the user cannot fix from here: no token, an expired session, or a session that failed to load.
import { CloseButton, ErrorMessage } from '../components';
import type { MessageKey, Translator } from '../i18n';

export function Fatal({ t, reason, standalone, onClose }: { t: Translator; reason: 'expired' | 'missing' | 'failed'; standalone: boolean; onClose(): void }) {
  const title: MessageKey = reason === 'expired' ? 'session.expiredTitle' : 'error.title';
  const text: MessageKey = reason === 'expired' ? 'session.expired' : reason === 'missing' ? 'session.missing' : 'session.failed';
  return (
    <section class="screen center" data-screen={`fatal-${reason}`}>
      <ErrorMessage title={t(title)} text={t(text)} />
      <CloseButton t={t} standalone={standalone} onClose={onClose} />
    </section>
  );
}

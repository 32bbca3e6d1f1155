import type { Translator } from '../i18n';

export function Loading({ t }: { t: Translator }) {
  return (
    <div class="loading" role="status">
      <span class="spinner" aria-hidden="true" />
      <span class="visually-hidden">{t('loading')}</span>
    </div>
  );
}

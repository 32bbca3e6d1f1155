// Small pieces drawn by more than one screen.
import type { Translator } from './i18n';

export function Logo({ src }: { src: string | undefined }) {
  return src ? <img class="logo" src={src} alt="" width={40} height={40} /> : <span class="logo" />;
}

/** The Close button of a screen with nowhere else to go; a standalone page has no parent to close. */
export function CloseButton({ t, standalone, onClose }: { t: Translator; standalone: boolean; onClose(): void }) {
  return standalone ? null : <button type="button" class="button secondary" onClick={onClose}>{t('close')}</button>;
}

/** The top of both error screens: the badge, a heading the dialog can focus, and the text announced at once. */
export function ErrorMessage({ title, text }: { title: string; text: string }) {
  return (
    <>
      <div class="badge badge-error" aria-hidden="true">!</div>
      <h1 tabIndex={-1}>{title}</h1>
      <p role="alert">{text}</p>
    </>
  );
}

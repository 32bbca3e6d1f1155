// The frame around every screen: Back and × buttons, focus management, the optional watermark.
import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import type { Translator } from './i18n';

export function Dialog(props: {
  t: Translator; standalone: boolean; showBack: boolean; onBack(): void; onClose(): void; watermark: boolean; screenKey: string;
  children: ComponentChildren;
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

import { useCallback, useEffect, useRef, useState } from 'react';
import { ConnectUI, type ConnectUIEvent, type ConnectUIProps } from '../index.js';

/** Where the session token comes from: given up front, or fetched from your backend when the UI opens. */
type SessionTokenSource =
  | { sessionToken: string; getSessionToken?: never }
  | { getSessionToken: () => string | Promise<string>; sessionToken?: never };

export type UseConnectUIOptions = SessionTokenSource &
  Pick<ConnectUIProps, 'apiURL' | 'baseURL' | 'lang' | 'themeOverride' | 'detectClosedAuthWindow' | 'container'> & {
    onEvent: (event: ConnectUIEvent) => void;
  };

export interface UseConnectUIResult {
  /**
   * Opens the Connect UI (nothing happens while it is open). With `getSessionToken`, the UI shows at once and
   * the promise settles once the token is handed over; if fetching it fails, the UI closes and the promise rejects.
   */
  open: () => Promise<void>;
  close: () => void;
  /** False again once the user closes the UI, `close()` is called, or the component unmounts. */
  isOpen: boolean;
}

/** The Connect UI for a React component; the iframe and its listener go away when the component unmounts. */
export function useConnectUI(options: UseConnectUIOptions): UseConnectUIResult {
  // The latest options, read when opening and when an event arrives, so that inline callbacks need no memoising.
  const latestOptions = useRef(options);
  const current = useRef<ConnectUI | null>(null);
  const [isOpen, setIsOpen] = useState(false);

  useEffect(() => {
    latestOptions.current = options;
  });

  const close = useCallback(() => {
    current.current?.close();
    current.current = null;
    setIsOpen(false);
  }, []);

  const open = useCallback(async () => {
    if (current.current) return;
    const { sessionToken, getSessionToken, apiURL, baseURL, lang, themeOverride, detectClosedAuthWindow, container } =
      latestOptions.current;
    const connectUI = new ConnectUI({
      sessionToken,
      apiURL,
      baseURL,
      lang,
      themeOverride,
      detectClosedAuthWindow,
      container,
      onEvent: (event) => {
        // ConnectUI has already removed its iframe on `close`; only the hook's state is left to update.
        if (event.type === 'close' && current.current === connectUI) {
          current.current = null;
          setIsOpen(false);
        }
        latestOptions.current.onEvent(event);
      },
    });
    current.current = connectUI;
    connectUI.open();
    setIsOpen(true);
    if (!getSessionToken) return;
    try {
      const token = await getSessionToken();
      if (current.current === connectUI) connectUI.setSessionToken(token);
    } catch (error) {
      if (current.current === connectUI) close();
      throw error;
    }
  }, [close]);

  // Unmounting closes the UI; no state is set, since the component is gone.
  useEffect(
    () => () => {
      current.current?.close();
      current.current = null;
    },
    [],
  );

  return { open, close, isOpen };
}

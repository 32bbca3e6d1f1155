// Beacons of spec §3.12: fire-and-forget, never in preview, never without a token.
export type TelemetryEvent =
  | 'open' | 'view:list' | 'view:integration' | 'view:unknown_error' | 'view:credentials_error' | 'view:success'
  | 'click:integration' | 'click:doc' | 'click:doc_section' | 'click:connect' | 'click:close' | 'click:finish'
  | 'click:outside' | 'popup:blocked_by_browser' | 'popup:closed_early';

export function createTelemetry(apiURL: string, preview: boolean, token: () => string | null) {
  return (event: TelemetryEvent, integration?: string) => {
    const current = token();
    if (preview || !current || typeof navigator.sendBeacon !== 'function') return;
    const body = JSON.stringify({
      event,
      dimensions: integration ? { integration } : {},
      token: current,
      timestamp: new Date().toISOString(),
    });
    try {
      navigator.sendBeacon(`${apiURL}/connect/telemetry`, new Blob([body], { type: 'application/json' }));
    } catch {
      // Analytics never disturb the user.
    }
  };
}

export type Telemetry = ReturnType<typeof createTelemetry>;

import type { Integration, Provider, Session } from './types';

/**
 * A 401: the session token is unknown or expired. By status, not by class: the session's first reads are made by the
 * inline boot script, whose copy of this module is not the app's.
 */
export const isUnauthorized = (error: unknown): boolean => (error as { status?: unknown } | null)?.status === 401;

export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

/**
 * The three reads of spec §3.5: bearer token, success only on 200 without an `error` key. The provider is asked for in
 * the UI's language, so its field titles and descriptions come translated where the server has them.
 */
export function createApi(apiURL: string, token: string, language = 'en') {
  async function get<T>(path: string): Promise<T> {
    let response: Response;
    try {
      response = await fetch(apiURL + path, { headers: { authorization: `Bearer ${token}` } });
    } catch (error) {
      throw new ApiError(0, 'network_error', String(error));
    }
    const body = (await response.json().catch(() => null)) as { data?: T; error?: { code?: string; message?: string } } | null;
    if (response.status !== 200 || !body || body.error) {
      throw new ApiError(response.status, body?.error?.code ?? 'unknown_error', body?.error?.message ?? `HTTP ${response.status}`);
    }
    return body.data as T;
  }
  return {
    session: () => get<Session>('/connect/session'),
    integrations: () => get<Integration[]>('/integrations'),
    provider: (name: string) => get<Provider>(`/providers/${encodeURIComponent(name)}?lang=${encodeURIComponent(language)}`),
  };
}

export type Api = ReturnType<typeof createApi>;

/** The two reads every screen starts from, started together: neither waits for the other. */
export interface SessionReads {
  session: Promise<Session>;
  integrations: Promise<Integration[]>;
}

export function readSession(api: Api): SessionReads {
  const reads = { session: api.session(), integrations: api.integrations() };
  // Whoever awaits them sees a failure; these only keep one nobody awaited (after the other failed) from being
  // reported as unhandled.
  reads.session.catch(() => undefined);
  reads.integrations.catch(() => undefined);
  return reads;
}

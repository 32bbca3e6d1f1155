import { AuthError } from './auth-error.js';

interface ErrorBody {
  code?: unknown;
  message?: unknown;
  errors?: unknown;
}

/** The value when it is a non-empty string, else undefined: what the server sends is checked, never trusted. */
export const nonEmptyText = (value: unknown): string | undefined => (typeof value === 'string' && value ? value : undefined);

/**
 * POSTs to an auth endpoint (spec §2.5): `Content-Type: application/json` on every call, the JSON body only when
 * there is one; a 2xx body is returned as it is, any other status becomes `AuthError(message, error.code)`. The
 * message is the server's own words: `error.message`, else the messages of `error.errors[]`; a generic text only
 * when the envelope has neither.
 */
export async function postAuth<T>(url: string, body?: object): Promise<T> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    ...(body && { body: JSON.stringify(body) }),
  });
  // Upstream lets a SyntaxError escape when, say, a proxy answers HTML; an AuthError keeps callers' catch uniform.
  const json: unknown = await response.json().catch(() => {
    throw new AuthError(`HTTP ${response.status}: not JSON`, 'unknown_error');
  });
  if (response.ok) return json as T;
  const error: ErrorBody = Object((json as { error?: unknown } | null)?.error);
  const code = nonEmptyText(error.code);
  const message = nonEmptyText(error.message) ?? (issuesText(error.errors) || `HTTP ${response.status}${code ? `: ${code}` : ''}`);
  throw new AuthError(message, code ?? 'unknown_error');
}

/** Validation errors carry their messages in `errors[]` (spec §1.2): each one after the field it is about. */
function issuesText(issues: unknown): string {
  if (!Array.isArray(issues)) return '';
  return issues
    .map((issue: { message?: unknown; path?: unknown } | null) => {
      const message = nonEmptyText(issue?.message);
      const path: unknown[] = Array.isArray(issue?.path) ? issue.path : [];
      const last = path[path.length - 1];
      // A message that already names its field reads on its own ("connection_id cannot be chosen with …").
      return message && last !== undefined && !message.includes(String(last)) ? `${path.join('.')}: ${message}` : message;
    })
    .filter(Boolean)
    .join(' ');
}

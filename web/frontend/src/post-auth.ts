import { AuthError } from './auth-error.js';

interface ErrorEnvelope {
  error?: { code?: unknown; message?: unknown; errors?: unknown };
}

/**
 * POSTs to an auth endpoint (spec §2.5): `Content-Type: application/json` on every call, the JSON body only when
 * there is one; a 2xx body is returned as it is, any other status becomes `AuthError(message, error.code)`.
 */
export async function postAuth<T>(url: string, body?: object): Promise<T> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    ...(body && { body: JSON.stringify(body) }),
  });
  const json = await readJson(response);
  if (response.ok) return json as T;
  const error = (json as ErrorEnvelope | null)?.error;
  const code = typeof error?.code === 'string' ? error.code : undefined;
  throw new AuthError(messageOf(error, code, response.status), code ?? 'unknown_error');
}

/**
 * The server's own words: `error.message`, else the messages of `error.errors[]` (validation errors carry theirs
 * there, spec §1.2), each after the field it is about. A generic text only when the envelope has none.
 */
function messageOf(error: ErrorEnvelope['error'], code: string | undefined, status: number): string {
  if (typeof error?.message === 'string' && error.message.length > 0) return error.message;
  const issues = Array.isArray(error?.errors) ? error.errors.map(issueText).filter((text) => text.length > 0) : [];
  if (issues.length > 0) return issues.join(' ');
  return code ? `The server answered ${status} (${code}).` : `The server answered ${status}.`;
}

function issueText(issue: unknown): string {
  if (!issue || typeof issue !== 'object') return '';
  const { message, path } = issue as { message?: unknown; path?: unknown };
  if (typeof message !== 'string' || message.length === 0) return '';
  const parts = Array.isArray(path) ? path.filter((part) => typeof part === 'string' || typeof part === 'number').map(String) : [];
  // A message that already names its field reads on its own ("connection_id cannot be chosen with …").
  const last = parts[parts.length - 1];
  return last && !message.includes(last) ? `${parts.join('.')}: ${message}` : message;
}

// Upstream lets a SyntaxError escape when, say, a proxy answers HTML; an AuthError keeps callers' catch uniform.
async function readJson(response: Response): Promise<unknown> {
  try {
    return await response.json();
  } catch {
    throw new AuthError(`The server answered ${response.status} with a body that is not JSON.`, 'unknown_error');
  }
}

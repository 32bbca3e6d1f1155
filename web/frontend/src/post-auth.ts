import { AuthError } from './auth-error.js';

interface ErrorEnvelope {
  error?: { code?: unknown; message?: unknown };
}

/**
 * POSTs to an auth endpoint (spec §2.5): `Content-Type: application/json` on every call, the JSON body only when
 * there is one; a 2xx body is returned as it is, any other status becomes `AuthError(error.message, error.code)`.
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
  throw new AuthError(
    typeof error?.message === 'string' ? error.message : `The server answered ${response.status}.`,
    typeof error?.code === 'string' ? error.code : 'unknown_error',
  );
}

// Upstream lets a SyntaxError escape when, say, a proxy answers HTML; an AuthError keeps callers' catch uniform.
async function readJson(response: Response): Promise<unknown> {
  try {
    return await response.json();
  } catch {
    throw new AuthError(`The server answered ${response.status} with a body that is not JSON.`, 'unknown_error');
  }
}

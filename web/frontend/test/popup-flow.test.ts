import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import Nango, { AuthError } from '../src/index.js';
import { popupFeatures } from '../src/auth-popup.js';
import { FakeWebSocket, fakeBrowser, newPopup, token } from './fakes.js';

const host = 'https://auth.example.com';
const ack = { message_type: 'connection_ack', ws_client_id: 'ws-1' };

/** Tracks a promise without awaiting it, so that "still pending" can be asserted. */
function track<T>(promise: Promise<T>) {
  const state: { settled: boolean; value?: T; error?: unknown } = { settled: false };
  promise.then(
    (value) => Object.assign(state, { settled: true, value }),
    (error: unknown) => Object.assign(state, { settled: true, error }),
  );
  return state;
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

// Spec §2.6 step 1: centred, clamped to the screen, not rounded.
describe('popupFeatures', () => {
  const rest = 'scrollbars=yes,resizable=yes,status=no,toolbar=no,location=no,copyhistory=no,menubar=no,directories=no';

  it('centres the popup', () => {
    expect(popupFeatures(500, 600, { width: 1280, height: 800 })).toBe(`left=390,top=100,width=500,height=600,${rest}`);
  });

  it('does not round the position', () => {
    expect(popupFeatures(500, 600, { width: 1279, height: 801 })).toBe(`left=389.5,top=100.5,width=500,height=600,${rest}`);
  });

  it('never exceeds the screen and never starts off-screen', () => {
    expect(popupFeatures(2000, 900, { width: 1280, height: 800 })).toBe(`left=0,top=0,width=1280,height=800,${rest}`);
  });
});

describe('popup flow', () => {
  it('opens a blank popup synchronously with the configured size, then the socket', () => {
    vi.spyOn(window.screen, 'width', 'get').mockReturnValue(1280);
    vi.spyOn(window.screen, 'height', 'get').mockReturnValue(800);
    const { open, popup } = fakeBrowser();
    const nango = new Nango({ host, connectSessionToken: token, width: 400, height: 300, websocketsPath: '/ws' });

    void nango.auth('acme');

    expect(open).toHaveBeenCalledWith('', '_blank', expect.stringMatching(/^left=440,top=250,width=400,height=300,scrollbars=yes/));
    expect(FakeWebSocket.instances.map((s) => s.url)).toEqual(['wss://auth.example.com/ws']);
    // Nothing is navigated before the server's acknowledgement.
    expect(popup?.location).toBe('about:blank');
  });

  it('navigates the popup to /oauth/connect with ws_client_id once the server acknowledges', () => {
    const { popup } = fakeBrowser();
    const nango = new Nango({ host, connectSessionToken: token });

    void nango.auth('acme', 'conn 1', {
      params: { domain: 'eu' },
      authorization_params: { prompt: 'consent', scope: undefined },
      credentials: { oauth_client_id_override: 'id', oauth_client_secret_override: 's' },
    });
    FakeWebSocket.last().send(ack);

    // searchParams.set re-serialises the whole query with form encoding (spec §1.3).
    expect(popup?.location).toBe(
      `${host}/oauth/connect/acme?connection_id=conn+1&connect_session_token=${token}&params%5Bdomain%5D=eu` +
        '&credentials%5Boauth_client_id_override%5D=id&credentials%5Boauth_client_secret_override%5D=s' +
        '&authorization_params%5Bprompt%5D=consent&authorization_params%5Bscope%5D=undefined&ws_client_id=ws-1',
    );
  });

  it('resolves with the camelCase result on success, then closes popup and socket after 500 ms', async () => {
    const { popup } = fakeBrowser();
    const result = new Nango({ host, connectSessionToken: token }).auth('acme');
    const socket = FakeWebSocket.last();
    socket.send(ack);
    socket.send({ message_type: 'success', provider_config_key: 'acme', connection_id: 'c-1', is_pending: false });

    await expect(result).resolves.toEqual({ providerConfigKey: 'acme', connectionId: 'c-1', isPending: false });
    vi.advanceTimersByTime(499);
    expect(popup?.closed).toBe(false);
    expect(socket.closed).toBe(false);
    vi.advanceTimersByTime(1);
    expect(popup?.closed).toBe(true);
    expect(socket.closed).toBe(true);
  });

  it('rejects with the server error type and description', async () => {
    fakeBrowser();
    const result = new Nango({ host, connectSessionToken: token }).auth('acme');
    FakeWebSocket.last().send(ack);
    FakeWebSocket.last().send({ message_type: 'error', provider_config_key: 'acme', error_type: 'token_err', error_desc: 'nope' });

    const error = await result.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect(error).toMatchObject({ type: 'token_err', message: 'nope' });
  });

  it('says which error type it got when the server sent no description', async () => {
    fakeBrowser();
    const result = new Nango({ host, connectSessionToken: token }).auth('acme');
    FakeWebSocket.last().send(ack);
    FakeWebSocket.last().send({ message_type: 'error', provider_config_key: 'acme', error_type: 'provider_config_err', error_desc: '' });

    await expect(result).rejects.toMatchObject({ type: 'provider_config_err', message: 'Auth failed: provider_config_err' });
  });

  it('ignores other message types and messages that are not JSON', () => {
    fakeBrowser();
    const state = track(new Nango({ host, connectSessionToken: token }).auth('acme'));
    const socket = FakeWebSocket.last();
    socket.onmessage?.({ data: 'not json' });
    socket.send({ message_type: 'heartbeat' });
    return Promise.resolve().then(() => expect(state.settled).toBe(false));
  });

  it('rejects with blocked_by_browser, without a socket, when the popup is blocked', async () => {
    fakeBrowser(null);
    const result = new Nango({ host, connectSessionToken: token }).auth('acme');
    await expect(result).rejects.toMatchObject({ type: 'blocked_by_browser' });
    expect(FakeWebSocket.instances).toHaveLength(0);
  });

  it('rejects with blocked_by_browser when the popup is already closed at the acknowledgement', async () => {
    const { popup } = fakeBrowser();
    const result = new Nango({ host, connectSessionToken: token }).auth('acme');
    popup?.close();
    FakeWebSocket.last().send(ack);
    await expect(result).rejects.toMatchObject({ type: 'blocked_by_browser' });
  });

  it('rejects with window_closed when detectClosedAuthWindow is on and the user closes the popup', async () => {
    const { popup } = fakeBrowser();
    const state = track(new Nango({ host, connectSessionToken: token }).auth('acme', { detectClosedAuthWindow: true }));
    const socket = FakeWebSocket.last();
    socket.send(ack);
    popup?.close();

    await vi.advanceTimersByTimeAsync(499);
    expect(state.settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(state.error).toBeInstanceOf(AuthError);
    expect(state.error).toMatchObject({ type: 'window_closed' });
    expect(socket.closed).toBe(false);
    await vi.advanceTimersByTimeAsync(500);
    expect(socket.closed).toBe(true);
  });

  it('ignores a closed popup when detectClosedAuthWindow is off', async () => {
    const { popup } = fakeBrowser();
    const state = track(new Nango({ host, connectSessionToken: token }).auth('acme'));
    FakeWebSocket.last().send(ack);
    popup?.close();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(state.settled).toBe(false);
    expect(FakeWebSocket.last().closed).toBe(false);
  });

  it('rejects with unknown_error when the socket closes before an outcome', async () => {
    const { popup } = fakeBrowser();
    const result = new Nango({ host, connectSessionToken: token }).auth('acme');
    FakeWebSocket.last().close();
    await expect(result).rejects.toMatchObject({ type: 'unknown_error' });
    vi.advanceTimersByTime(500);
    expect(popup?.closed).toBe(true);
  });

  it('clears the previous popup when auth() is called again, leaving its promise pending', async () => {
    const first = newPopup();
    fakeBrowser(first);
    const nango = new Nango({ host, connectSessionToken: token });
    const firstState = track(nango.auth('acme'));
    const firstSocket = FakeWebSocket.last();

    const second = newPopup();
    vi.mocked(window.open).mockReturnValue(second as unknown as Window);
    const secondState = track(nango.auth('acme'));
    await vi.advanceTimersByTimeAsync(500);

    expect(first.closed).toBe(true);
    expect(firstSocket.closed).toBe(true);
    expect(firstState.settled).toBe(false);
    expect(second.closed).toBe(false);
    FakeWebSocket.last().send({ message_type: 'success', provider_config_key: 'acme', connection_id: 'c-2' });
    await vi.advanceTimersByTimeAsync(0);
    expect(secondState.value).toEqual({ providerConfigKey: 'acme', connectionId: 'c-2', isPending: undefined });
  });

  it('clear() closes the popup and the socket 500 ms later', () => {
    const { popup } = fakeBrowser();
    const nango = new Nango({ host, connectSessionToken: token });
    void nango.auth('acme');
    nango.clear();
    vi.advanceTimersByTime(499);
    expect(popup?.closed).toBe(false);
    vi.advanceTimersByTime(1);
    expect(popup?.closed).toBe(true);
    expect(FakeWebSocket.last().closed).toBe(true);
  });

  it('logs the flow only with debug on', () => {
    fakeBrowser();
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    void new Nango({ host, connectSessionToken: token }).auth('acme');
    FakeWebSocket.last().send(ack);
    expect(log).not.toHaveBeenCalled();
    void new Nango({ host, connectSessionToken: token, debug: true }).auth('acme');
    FakeWebSocket.last().send(ack);
    expect(log).toHaveBeenCalledWith('[latchkey]', 'WebSocket message', ack);
  });
});

describe('reconnect', () => {
  it('opens the popup without a connection id', () => {
    const { popup } = fakeBrowser();
    void new Nango({ host, connectSessionToken: token }).reconnect('acme', { params: { a: 'b' } });
    FakeWebSocket.last().send(ack);
    expect(popup?.location).toBe(`${host}/oauth/connect/acme?connect_session_token=${token}&params%5Ba%5D=b&ws_client_id=ws-1`);
  });
});

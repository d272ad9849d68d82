/**
 * GuardedSecretStore on fake time: every call answers within its deadline, one call reaches the
 * store at a time, nothing more is asked of a store while a call hangs, and Health hears of it.
 */
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../electron/engine/clock.ts';
import { GuardedSecretStore } from '../../../electron/engine/secrets/guarded-store.ts';
import { EnvSecretStore } from '../../../electron/engine/secrets/env-store.ts';
import { SecretStoreError, type SecretStore } from '../../../electron/engine/secrets/secret-store.ts';
import { ScriptedSecretStore } from '../../helpers/scripted-secret-store.ts';

const ADVICE =
  "is it locked? Unlock it (an unlock prompt may be waiting on this computer's screen) and try again, or set STANDBY_SECRETS_FROM_ENV=1 to read secrets from environment variables instead";
const TIMED_OUT = `the OS keychain did not answer in 5 s: ${ADVICE}`;
const HUNG_PROBLEM = `the OS keychain does not answer: ${ADVICE}. Until it does, channels that need a token or password fail, ack links are left out of pages, and integration keys and ping URLs cannot be shown.`;

function guarded(inner: SecretStore = new ScriptedSecretStore()) {
  const clock = new FakeClock('2026-03-02T12:00:00Z');
  const problems: Array<string | null> = [];
  const store = new GuardedSecretStore(inner, { clock, onProblem: (m) => problems.push(m) });
  return { clock, problems, store };
}

/** outcome records how a call ended, so a test can see it has not ended yet. */
function outcome<T>(p: Promise<T>): { value?: T; error?: SecretStoreError; done: boolean } {
  const o: { value?: T; error?: SecretStoreError; done: boolean } = { done: false };
  p.then(
    (value) => Object.assign(o, { value, done: true }),
    (error: SecretStoreError) => Object.assign(o, { error, done: true }),
  );
  return o;
}

const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('GuardedSecretStore', () => {
  it('answers from a healthy store, reporting only that it is fine', async () => {
    const inner = new ScriptedSecretStore();
    const { store, problems } = guarded(inner);
    await store.set('twilio.authToken', 'tok');
    expect(await store.get('twilio.authToken')).toBe('tok');
    await store.delete('twilio.authToken');
    expect(await store.get('twilio.authToken')).toBeNull();
    expect([store.kind, store.timeoutMs, store.hung, inner.reached]).toEqual(['OS keychain', 5000, false, 4]);
    expect(problems.every((p) => p === null)).toBe(true);
  });

  it('fails a call that never returns at its 5 s deadline, not before, with what to do', async () => {
    const inner = new ScriptedSecretStore();
    inner.hanging = true;
    const { store, clock, problems } = guarded(inner);
    const call = outcome(store.get('twilio.authToken'));
    await inner.arrived(1);
    await clock.advance(4_999);
    await flush();
    expect([call.done, store.busy, store.hung, problems]).toEqual([false, true, false, []]);
    await clock.advance(1);
    await flush();
    expect(call.error).toBeInstanceOf(SecretStoreError);
    expect([call.error?.reason, call.error?.message]).toEqual(['timeout', TIMED_OUT]);
    expect([store.hung, problems]).toEqual([true, [HUNG_PROBLEM]]);
  });

  it('while a call hangs, fails new calls at once without asking the store, saying how long it has waited', async () => {
    const inner = new ScriptedSecretStore();
    inner.hanging = true;
    const { store, clock, problems } = guarded(inner);
    const first = outcome(store.get('a'));
    await clock.advance(42_000);
    const at = clock.now();
    const b = outcome(store.set('b', 'value'));
    const c = outcome(store.delete('c'));
    await flush();
    expect(b.error?.message).toBe(`${TIMED_OUT} (a request to it has waited 42 s; Standby asks it nothing more until that one returns)`);
    expect(c.error?.reason).toBe('timeout');
    expect([clock.now(), inner.reached, first.error?.message, problems]).toEqual([at, 1, TIMED_OUT, [HUNG_PROBLEM]]);
  });

  it('sends one call at a time; queued calls fail at once when the running one hangs', async () => {
    const inner = new ScriptedSecretStore();
    inner.hanging = true;
    const { store, clock } = guarded(inner);
    const a = outcome(store.get('a'));
    await clock.advance(3_000);
    const b = outcome(store.get('b'));
    const c = outcome(store.set('c', 'v'));
    await flush();
    expect(inner.pending.map((p) => p.ref)).toEqual(['a']);
    await clock.advance(2_000); // a's deadline; b's and c's are 3 s away
    await flush();
    expect([a.error?.message, b.error?.reason, c.error?.reason]).toEqual([TIMED_OUT, 'timeout', 'timeout']);
    expect(b.error?.message).toMatch(/Standby asks it nothing more until that one returns\)$/);
    expect(inner.reached).toBe(1);
  });

  it('a queued call that runs answers normally once the one before it returns', async () => {
    const inner = new ScriptedSecretStore();
    await inner.set('b', 'bee');
    inner.hanging = true;
    const { store, clock } = guarded(inner);
    const a = outcome(store.get('a'));
    const b = outcome(store.get('b'));
    await clock.advance(1_000);
    inner.pending[0]!.answer();
    await inner.arrived(3);
    inner.pending[0]!.answer();
    await flush();
    expect([a.done, a.value, b.value]).toEqual([true, null, 'bee']);
  });

  it('lets calls through again when the hung call returns (the keychain was unlocked), and clears the problem', async () => {
    const inner = new ScriptedSecretStore();
    inner.hanging = true;
    const { store, clock, problems } = guarded(inner);
    void store.get('a').catch(() => {});
    await clock.advance(60_000);
    expect(store.hung).toBe(true);
    inner.hanging = false;
    inner.pending[0]!.answer();
    await flush();
    expect([store.busy, store.hung, problems]).toEqual([false, false, [HUNG_PROBLEM, null]]);
    await store.set('a', 'back');
    expect(await store.get('a')).toBe('back');
  });

  it("reports a store's failure with its message, wraps a foreign error, and keeps a refusal out of Health", async () => {
    const inner = new ScriptedSecretStore();
    inner.hanging = true;
    const { store, problems } = guarded(inner);
    const failed = outcome(store.get('a'));
    await inner.arrived(1);
    inner.pending[0]!.fail(new SecretStoreError('No OS keychain (Secret Service) is available: …'));
    await flush();
    expect([failed.error?.reason, failed.error?.message]).toEqual(['unavailable', 'No OS keychain (Secret Service) is available: …']);
    const foreign = outcome(store.get('b'));
    await inner.arrived(2);
    inner.pending[0]!.fail(new Error('boom'));
    await flush();
    expect([foreign.error?.name, foreign.error?.reason, foreign.error?.message]).toEqual(['SecretStoreError', 'unavailable', 'the secret store failed: boom']);
    expect(problems).toEqual(['No OS keychain (Secret Service) is available: …', 'the secret store failed: boom']);

    const env = guarded(new EnvSecretStore({ STANDBY_SECRET_A: 'x' }));
    await expect(env.store.set('a', 'y')).rejects.toMatchObject({ reason: 'refused' });
    expect(await env.store.get('a')).toBe('x');
    expect(env.problems).toEqual([null]);
  });

  it('turns a store that throws synchronously into a failed call, and the next call still runs', async () => {
    let calls = 0;
    const inner: SecretStore = {
      kind: 'odd store',
      get: (() => {
        calls++;
        if (calls === 1) throw new Error('sync');
        return Promise.resolve('ok');
      }) as SecretStore['get'],
      set: async () => {},
      delete: async () => {},
    };
    const { store } = guarded(inner);
    await expect(store.get('x')).rejects.toThrow('the secret store failed: sync');
    expect(await store.get('x')).toBe('ok');
  });

  it('takes an injected deadline, and says it in the error', async () => {
    const inner = new ScriptedSecretStore();
    inner.hanging = true;
    const clock = new FakeClock();
    const store = new GuardedSecretStore(inner, { clock, timeoutMs: 200 });
    const call = outcome(store.get('a'));
    await clock.advance(200);
    await flush();
    expect(call.error?.message).toMatch(/^the OS keychain did not answer in 0\.2 s: is it locked\?/);
  });
});

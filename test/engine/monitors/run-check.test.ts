/**
 * runCheck: one check with its timeout. At the timeout the check's signal aborts; a check that ignores
 * it still ends, as down, one second later; a check that throws is a failed check; `stop` (sleep,
 * pause, shutdown) aborts it at once; and a check that ends in time leaves no timer behind.
 * Fake timers: the seconds pass without waiting.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runCheck, type Live } from '../../../electron/engine/monitors/live.ts';
import type { MonitorRecord } from '../../../electron/engine/monitors/monitor-repo.ts';
import type { CheckContext, CheckOutcome, MonitorType } from '../../../electron/engine/monitors/monitor-type.ts';

function liveOf(check: (config: unknown, ctx: CheckContext) => Promise<CheckOutcome>, timeoutSeconds = 2): Live {
  return { rec: { id: 1, kind: 'http', timeoutSeconds } as MonitorRecord, type: { check } as unknown as MonitorType, config: {}, confirming: false, lastCheck: null, needsNetwork: false };
}
const never = new AbortController().signal;
const heartbeat = () => { throw new Error('not a heartbeat monitor'); };

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('runCheck', () => {
  it('aborts a check at its timeout, and ends one that ignores the abort as down a second later', async () => {
    let seen: AbortSignal | undefined;
    let settled: CheckOutcome | undefined;
    void runCheck(liveOf((_c, ctx) => ((seen = ctx.signal), new Promise<CheckOutcome>(() => {}))), never, Date.now, heartbeat).then((o) => (settled = o));
    await vi.advanceTimersByTimeAsync(1999);
    expect([seen!.aborted, settled]).toEqual([false, undefined]);
    await vi.advanceTimersByTimeAsync(1);
    expect([seen!.aborted, settled]).toEqual([true, undefined]);
    await vi.advanceTimersByTimeAsync(999);
    expect(settled).toBe(undefined);
    await vi.advanceTimersByTimeAsync(1);
    expect(settled).toEqual({ status: 'down', message: 'no answer within 2000 ms' });
    expect(vi.getTimerCount()).toBe(0);
  });

  it('counts a check that throws or rejects as a failed check', async () => {
    const thrown = await runCheck(liveOf(() => { throw new Error('bad settings'); }), never, Date.now, heartbeat);
    expect(thrown).toEqual({ status: 'down', message: 'the check failed: bad settings' });
    const rejected = await runCheck(liveOf(() => Promise.reject(new Error('socket hang up'))), never, Date.now, heartbeat);
    expect(rejected).toEqual({ status: 'down', message: 'the check failed: socket hang up' });
    expect(vi.getTimerCount()).toBe(0);
  });

  it('aborts the check at once when stopped, and a check that answers in time leaves no timer', async () => {
    const stop = new AbortController();
    const outcome = runCheck(liveOf((_c, ctx) => new Promise<CheckOutcome>((resolve) => ctx.signal.addEventListener('abort', () => resolve({ status: 'down', message: 'aborted' })))), stop.signal, Date.now, heartbeat);
    stop.abort();
    expect(await outcome).toEqual({ status: 'down', message: 'aborted' });
    expect(await runCheck(liveOf(async () => ({ status: 'up', message: 'HTTP 200' })), never, Date.now, heartbeat)).toEqual({ status: 'up', message: 'HTTP 200' });
    expect(vi.getTimerCount()).toBe(0);
  });
});

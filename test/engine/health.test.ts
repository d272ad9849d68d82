/**
 * Standby's own health: problems set and cleared by their owners, errors failing the status, probes
 * that notice a problem gone, and the warning a fresh install shows until a page can leave this
 * computer (a contact method other than desktop that a rule or a policy uses).
 */
import { describe, expect, it } from 'vitest';
import type { ApiEvent, SystemHealth } from '../../electron/shared/api.ts';
import { FakeClock } from '../../electron/engine/clock.ts';
import { Health } from '../../electron/engine/health.ts';
import { testEngine } from '../helpers/engine.ts';

function health() {
  const events: SystemHealth[] = [];
  const log: string[] = [];
  const h = new Health({ clock: new FakeClock('2026-03-02T12:00:00Z'), emit: (e) => events.push(e), log: (l) => log.push(l) });
  return { h, events, log };
}

describe('Health', () => {
  it('fails while an error is current, lists warnings without failing, and logs and emits each change once', () => {
    const { h, events, log } = health();
    expect(h.status()).toEqual({ status: 'ok', problems: [] });
    h.set('no_remote_contact', 'warning', 'nobody outside');
    h.set('no_remote_contact', 'warning', 'nobody outside');
    expect(h.status().status).toBe('ok');
    h.set('storage', 'error', 'disk full');
    expect(h.status()).toEqual({
      status: 'failing',
      problems: [
        { code: 'storage', severity: 'error', message: 'disk full', since: '2026-03-02T12:00:00.000Z' },
        { code: 'no_remote_contact', severity: 'warning', message: 'nobody outside', since: '2026-03-02T12:00:00.000Z' },
      ],
    });
    h.clear('storage');
    h.clear('storage');
    expect(h.status().status).toBe('ok');
    expect(events.map((e) => e.problems.map((p) => p.code).join(','))).toEqual(['no_remote_contact', 'storage,no_remote_contact', 'no_remote_contact']);
    expect(log).toEqual(['warning: nobody outside', 'PROBLEM: disk full', 'solved: disk full']);
  });

  it('runs the probe of a current problem when read, so a problem that went away clears by itself', () => {
    const { h } = health();
    let fixed = false;
    let probes = 0;
    h.probe('storage', () => {
      probes++;
      if (fixed) h.clear('storage');
    });
    expect(h.status().status).toBe('ok');
    expect(probes).toBe(0); // no problem, no probe
    h.set('storage', 'error', 'disk full');
    expect(h.status().status).toBe('failing');
    fixed = true;
    expect(h.status().status).toBe('ok');
    expect(probes).toBe(2);
  });
});

describe('the no_remote_contact warning', () => {
  it('is on for a fresh install and goes when a rule pages a webhook', async () => {
    const { engine } = await testEngine();
    const events: ApiEvent[] = [];
    engine.on((e) => events.push(e));
    expect((await engine.invoke('system.health', {})).problems.map((p) => p.code)).toEqual(['no_remote_contact']);
    const hook = await engine.invoke('contactMethods.create', { type: 'webhook', label: 'Hook', address: 'http://127.0.0.1:9/x' });
    await engine.invoke('notificationRules.create', { urgency: 'high', startDelayMinutes: 5, contactMethodId: hook.id });
    await engine.channelSetup.check();
    expect(await engine.invoke('system.health', {})).toEqual({ status: 'ok', problems: [] });
    expect(events.filter((e) => e.type === 'health.changed').map((e) => e.data)).toEqual([{ status: 'ok', problems: [] }]);
  });

  it('stays on for a remote contact method that no rule or policy uses, and goes when a policy pages it', async () => {
    const { engine } = await testEngine();
    const hook = await engine.invoke('contactMethods.create', { type: 'webhook', label: 'Hook', address: 'http://127.0.0.1:9/x' });
    expect((await engine.invoke('system.health', {})).problems.map((p) => p.code)).toEqual(['no_remote_contact']);
    const policy = (await engine.invoke('escalationPolicies.list', {}))[0]!;
    await engine.invoke('escalationPolicies.update', { id: policy.id, value: { name: policy.name, repeatCount: 0, levels: [{ delayMinutes: 30, targets: [{ kind: 'me' }, { kind: 'contact', contactMethodId: hook.id }] }] } });
    expect((await engine.invoke('system.health', {})).problems).toEqual([]);
  });
});

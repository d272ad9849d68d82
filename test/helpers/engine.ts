/**
 * testEngine builds an Engine on an in-memory database with a FakeClock. Channels for vendors that
 * live outside this machine (SMS, voice, email) are recorders here; the real channels have their own
 * tests against local servers.
 */
import type { ContactMethodType } from '../../electron/shared/schemas.ts';
import { FakeClock } from '../../electron/engine/clock.ts';
import { Engine } from '../../electron/engine/engine.ts';
import type { MonitorRunnerOptions } from '../../electron/engine/monitors/runner.ts';
import type { Channel, NotificationMessage } from '../../electron/engine/notify/channel.ts';
import { ChannelRegistry } from '../../electron/engine/notify/registry.ts';

/** Sent is one delivery a recording channel accepted. */
export interface Sent {
  type: ContactMethodType;
  label: string;
  address: string;
  number: number;
  minute: number;
}

/** TestEngine is an engine plus its clock and what it sent. */
export interface TestEngine {
  engine: Engine;
  clock: FakeClock;
  sent: Sent[];
  start: number;
  /** advance moves fake time by minutes and lets due jobs run. */
  advance(minutes: number): Promise<void>;
  /** settle runs what is due now (immediate notifications). */
  settle(): Promise<void>;
  /** kinds lists what was sent, as "type@minute". */
  kinds(): string[];
}

/** testEngine starts an engine at a fixed Monday noon UTC. */
export async function testEngine(opts: { start?: string; databasePath?: string; clock?: FakeClock; monitors?: MonitorRunnerOptions; log?: (line: string) => void } = {}): Promise<TestEngine> {
  const clock = opts.clock ?? new FakeClock(opts.start ?? '2026-03-02T12:00:00Z');
  const start = clock.now();
  const sent: Sent[] = [];
  const recorder = (type: ContactMethodType): Channel => ({
    type,
    async send(contact, m: NotificationMessage) {
      sent.push({ type, label: contact.label, address: contact.address, number: m.number, minute: (clock.now() - start) / 60_000 });
      return { ok: true };
    },
  });
  const channels = new ChannelRegistry();
  for (const t of ['desktop', 'sms', 'voice', 'email'] as const) channels.register(recorder(t));
  const engine = new Engine({ databasePath: opts.databasePath ?? ':memory:', clock, channels, ...(opts.monitors ? { monitors: opts.monitors } : {}), ...(opts.log ? { log: opts.log } : {}) });
  await engine.start();
  const settle = async () => {
    await clock.advance(0);
    await engine.lifecycle.idle();
  };
  return {
    engine,
    clock,
    sent,
    start,
    settle,
    async advance(minutes) {
      await clock.advanceMinutes(minutes);
      await engine.lifecycle.idle();
    },
    kinds: () => sent.map((s) => `${s.type}@${s.minute}`),
  };
}

/**
 * onCallSetup gives the engine the reference setup: desktop now, SMS after 5 min, call after
 * 10 min (high urgency), desktop for low urgency; level 1 is me, level 2 a backup contact's email
 * after `level1Delay` minutes.
 */
export async function onCallSetup(t: TestEngine, o: { level1Delay?: number; repeatCount?: number; ackTimeout?: number; autoResolve?: number; twoLevels?: boolean } = {}) {
  const e = t.engine;
  const desktop = (await e.invoke('contactMethods.list', {}))[0]!;
  for (const r of await e.invoke('notificationRules.list', {})) await e.invoke('notificationRules.delete', { id: r.id });
  const sms = await e.invoke('contactMethods.create', { type: 'sms', label: 'Mobile (SMS)', address: '+14155550123' });
  const voice = await e.invoke('contactMethods.create', { type: 'voice', label: 'Mobile (voice)', address: '+14155550123' });
  const backup = await e.invoke('contactMethods.create', { type: 'email', label: 'Sam (email)', address: 'sam@example.com' });
  await e.invoke('notificationRules.create', { urgency: 'high', startDelayMinutes: 0, contactMethodId: desktop.id });
  await e.invoke('notificationRules.create', { urgency: 'high', startDelayMinutes: 5, contactMethodId: sms.id });
  await e.invoke('notificationRules.create', { urgency: 'high', startDelayMinutes: 10, contactMethodId: voice.id });
  await e.invoke('notificationRules.create', { urgency: 'low', startDelayMinutes: 0, contactMethodId: desktop.id });
  const levels = [{ targets: [{ kind: 'me' as const }], delayMinutes: o.level1Delay ?? 15 }];
  if (o.twoLevels !== false) levels.push({ targets: [{ kind: 'contact', contactMethodId: backup.id }] as never, delayMinutes: 15 });
  const policy = await e.invoke('escalationPolicies.create', { name: 'On call', levels, repeatCount: o.repeatCount ?? 0 });
  const service = await e.invoke('services.create', {
    name: 'Blog',
    escalationPolicyId: policy.id,
    ackTimeoutMinutes: o.ackTimeout ?? 0,
    autoResolveMinutes: o.autoResolve ?? 0,
  });
  return { desktop, sms, voice, backup, policy, service };
}

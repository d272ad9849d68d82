/** An engine on fake time with one real channel, its settings and secrets, and a rule paging its contact method at once. */
import type { ContactMethodInput, LogEntry } from '../../../electron/shared/schemas.ts';
import { FakeClock } from '../../../electron/engine/clock.ts';
import { Engine } from '../../../electron/engine/engine.ts';
import type { Channel } from '../../../electron/engine/notify/channel.ts';
import { ChannelRegistry } from '../../../electron/engine/notify/registry.ts';
import { isStandbyRef } from '../../../electron/engine/secrets/bindings.ts';
import { MemorySecretStore, type SecretStore } from '../../../electron/engine/secrets/secret-store.ts';

/** INCIDENT is what the harness triggers. */
export const INCIDENT = { title: 'Disk full on db-1', service: 'Default service', details: { host: 'db-1', disk: '/var at 97%' } };

/**
 * ATTEMPT_TIMEOUT_SECONDS is the harness's delivery timeout. It is real time (the vendor fakes are
 * real servers), so it is generous: an answer on loopback takes milliseconds on a quiet machine but
 * can take seconds on a slow, busy one, and must not count as "no answer". A test of the timeout
 * sets a short one itself.
 */
export const ATTEMPT_TIMEOUT_SECONDS = 30;

/** Harness is a running engine set up for one channel. */
export interface Harness {
  engine: Engine;
  clock: FakeClock;
  logs: string[];
  secrets: SecretStore;
  contactId: number;
  /** trigger opens a high-urgency incident and lets its immediate page run; it returns the incident's id and number. */
  trigger(title?: string): Promise<{ id: number; number: number }>;
  /** advance moves fake time (ms) and lets due jobs run. */
  advance(ms: number): Promise<void>;
  /** notifies lists an incident's notify timeline entries. */
  notifies(id: number): LogEntry[];
  stop(): Promise<void>;
}

/** harness builds the engine: channels registered, settings and secrets stored, one notification rule at 0 minutes. */
export async function harness(o: {
  channels: Channel[];
  contact: ContactMethodInput;
  settings: Record<string, Record<string, unknown>>;
  secrets: Record<string, string>;
  delivery?: Record<string, unknown>;
  clock?: FakeClock;
  databasePath?: string;
  /** secretStore replaces the in-memory store (o.secrets are then not stored). */
  secretStore?: SecretStore;
}): Promise<Harness> {
  const clock = o.clock ?? new FakeClock('2026-03-02T12:00:00Z');
  const logs: string[] = [];
  const registry = new ChannelRegistry();
  for (const c of o.channels) registry.register(c);
  // No responders: channel tests count every request their vendor's fake receives (responders are tested in test/engine/responders).
  const engine = new Engine({ databasePath: o.databasePath ?? ':memory:', clock, channels: registry, responders: () => [], secrets: o.secretStore ?? new MemorySecretStore(), log: (l) => logs.push(l) });
  await engine.start();
  for (const r of await engine.invoke('notificationRules.list', {})) await engine.invoke('notificationRules.delete', { id: r.id });
  for (const [kind, settings] of Object.entries(o.settings)) await engine.invoke('channels.update', { kind, settings });
  await engine.invoke('channels.update', { kind: 'delivery', settings: { timeoutSeconds: ATTEMPT_TIMEOUT_SECONDS, retries: 2, retryBaseSeconds: 10, ...o.delivery } });
  const contact = await engine.invoke('contactMethods.create', o.contact);
  // Entered as a person does, once the contact method and channels exist: each secret is bound to where they send it.
  // Standby's own entries (the ack links' key) are never entered through the API: they go straight to the store.
  if (!o.secretStore) for (const [ref, value] of Object.entries(o.secrets)) await (isStandbyRef(ref) ? engine.secrets.set(ref, value) : engine.invoke('secrets.set', { ref, value }));
  await engine.invoke('notificationRules.create', { urgency: 'high', startDelayMinutes: 0, contactMethodId: contact.id });
  const serviceId = (await engine.invoke('services.list', {}))[0]!.id;
  const settle = async () => {
    await clock.advance(0);
    await engine.lifecycle.idle();
  };
  return {
    engine,
    clock,
    logs,
    secrets: engine.secrets,
    contactId: contact.id,
    async trigger(title = INCIDENT.title) {
      const r = await engine.invoke('incidents.trigger', { serviceId, title, severity: 'critical', details: INCIDENT.details });
      if (r.status === 'suppressed') throw new Error(r.reason);
      await settle();
      return { id: r.incident.id, number: r.incident.number };
    },
    async advance(ms) {
      await clock.advance(ms);
      await engine.lifecycle.idle();
    },
    notifies: (id) => engine.incidents.timeline(id).filter((e) => e.type === 'notify'),
    stop: () => engine.stop(),
  };
}

/**
 * Previewing a configuration import: what importing a file would add, update, remove or keep in
 * each section, and which destinations (a contact method's address, a channel's URL, host or
 * account) it would point somewhere new, with nothing written. The file is read and validated by
 * parseConfig, as import reads it, and entries are matched as applyConfig matches them
 * (config-file.ts): contact methods by label (the oldest, if several share one), rules exactly,
 * policies, services and monitors by name, channel settings by kind; a removed service with
 * incidents is disabled, and the policy and contact methods it still needs are kept.
 */
import type { ConfigChangeKind, ConfigDestinationChange, ConfigEntryChange, ConfigPreview } from '../../shared/api.ts';
import { ConfigChannels, type ConfigFile } from '../../shared/config-file.ts';
import type { ContactMethod, EscalationPolicy } from '../../shared/schemas.ts';
import { hashPingKey } from '../monitors/heartbeats.ts';
import { MonitorRepo, type MonitorRecord } from '../monitors/monitor-repo.ts';
import { builtinMonitorTypes } from '../monitors/registry.ts';
import { ConfigRepo } from '../store/config-repo.ts';
import type { Store } from '../store/database.ts';
import { hasIncidents, parseConfig } from './config-file.ts';
import type { ConfigFormat } from './config-text.ts';
import { credentialFreeUrl } from '../notify/secret-destinations.ts';

const types = builtinMonitorTypes();

/** DESTINATION_FIELDS are the channel settings that say where a message (and the channel's secret) goes. */
const DESTINATION_FIELDS = ['url', 'host', 'accountSid', 'baseUrl', 'server'] as const;

/** DESTINATION_NOTE is said of every destination an import changes. */
export const DESTINATION_NOTE = 'Any secret stored for the old destination will not be sent to the new one until you enter it again.';

/** MONITOR_FIELDS are a monitor's settings besides its name, kind, service and config, as the file writes them. */
const MONITOR_FIELDS = ['intervalSeconds', 'timeoutSeconds', 'retries', 'retryIntervalSeconds', 'recoveryChecks', 'flapping', 'severity', 'resolveOnRecovery', 'enabled'] as const;

/** previewConfig reads and validates a file exactly as importConfig does (the same errors), and answers what importing it would change. */
export function previewConfig(store: Store, text: string, format?: ConfigFormat): ConfigPreview {
  return previewFile(store, parseConfig(text, format));
}

/** previewFile compares a parsed file with the database, as applyConfig would apply it; it only reads. */
export function previewFile(store: Store, file: ConfigFile): ConfigPreview {
  const repo = new ConfigRepo(store);
  const contacts = repo.listContactMethods();
  const policies = repo.listEscalationPolicies();
  const services = repo.listServices();
  const labels = new Map(contacts.map((c) => [c.id, c.label]));
  const oldest = new Map<string, ContactMethod>();
  for (const c of contacts) if (!oldest.has(c.label)) oldest.set(c.label, c);
  const policyByName = new Map(policies.map((p) => [p.name, p]));
  const serviceByName = new Map(services.map((s) => [s.name, s]));
  // What a name in the file will refer to: an existing row's id, or a row the import creates.
  const contactRef = (label: string) => String(oldest.get(label)?.id ?? `new ${label}`);
  const policyRef = (name: string) => String(policyByName.get(name)?.id ?? `new ${name}`);
  const serviceRef = (name: string) => String(serviceByName.get(name)?.id ?? `new ${name}`);

  // A removed service with incidents is disabled; its policy and that policy's contact methods stay.
  const inFile = { services: new Set(file.services.map((s) => s.name)), policies: new Set(file.escalationPolicies.map((p) => p.name)), contacts: new Set(file.contactMethods.map((c) => c.label)) };
  const disabled = services.filter((s) => !inFile.services.has(s.name) && hasIncidents(store, s.id));
  const keptPolicies = new Map<number, string>();
  for (const s of disabled) if (!keptPolicies.has(s.escalationPolicyId)) keptPolicies.set(s.escalationPolicyId, s.name);
  const keptContacts = new Map<number, string>();
  for (const p of policies) {
    if (!keptPolicies.has(p.id) || inFile.policies.has(p.name)) continue;
    for (const t of p.levels.flatMap((l) => l.targets)) if (t.kind === 'contact' && !keptContacts.has(t.contactMethodId)) keptContacts.set(t.contactMethodId, p.name);
  }

  const contactMethods: ConfigEntryChange[] = file.contactMethods.map((f) => {
    const old = oldest.get(f.label);
    return old ? compared(f.label, { type: old.type, address: credentialFreeUrl(old.address), secretRef: old.secretRef }, { type: f.type, address: credentialFreeUrl(f.address), secretRef: f.secretRef }) : added(f.label);
  });
  for (const c of contacts) {
    if (inFile.contacts.has(c.label) && oldest.get(c.label) === c) continue;
    const policy = keptContacts.get(c.id);
    contactMethods.push(policy === undefined ? removed(c.label) : { name: c.label, change: 'keep', note: `not in the file, but kept: escalation policy "${policy}" of a disabled service still pages it` });
  }

  const policyChanges: ConfigEntryChange[] = file.escalationPolicies.map((f) => {
    const old = policyByName.get(f.name);
    if (!old) return added(f.name);
    const levels = f.levels.map((l) => ({ delayMinutes: l.delayMinutes, targets: l.targets.map((t) => (t.kind === 'me' ? 'me' : contactRef(t.contactMethod))) }));
    return compared(f.name, { description: old.description, repeatCount: old.repeatCount, levels: levelRefs(old) }, { description: f.description, repeatCount: f.repeatCount, levels });
  });
  for (const p of policies) {
    if (inFile.policies.has(p.name)) continue;
    const service = keptPolicies.get(p.id);
    policyChanges.push(service === undefined ? removed(p.name) : { name: p.name, change: 'keep', note: `not in the file, but kept: disabled service "${service}" still uses it` });
  }

  const serviceChanges: ConfigEntryChange[] = file.services.map((f) => {
    const old = serviceByName.get(f.name);
    if (!old) return added(f.name);
    const { escalationPolicy, name: _name, ...rest } = f;
    const { escalationPolicyId, id: _id, name: _oldName, ...was } = old;
    return compared(f.name, { ...was, escalationPolicy: String(escalationPolicyId) }, { ...rest, escalationPolicy: policyRef(escalationPolicy) });
  });
  for (const s of services) {
    if (inFile.services.has(s.name)) continue;
    if (!disabled.includes(s)) serviceChanges.push(removed(s.name));
    else {
      const note = 'not in the file, but it has incidents: disabled rather than removed, so its history stays';
      serviceChanges.push(s.enabled ? { name: s.name, change: 'update', fields: ['enabled'], note } : { name: s.name, change: 'keep', note });
    }
  }

  const stored = channelRows(store);
  return {
    profile: compared('profile', repo.getProfile(), file.profile),
    contactMethods,
    notificationRules: ruleChanges(repo, file, labels, contactRef),
    escalationPolicies: policyChanges,
    services: serviceChanges,
    monitors: monitorChanges(store, file, serviceRef),
    monitoring: compared('monitoring', new MonitorRepo(store).settings(), file.monitoring),
    channels: channelChanges(stored, file),
    destinations: [...contactDestinations(file, oldest), ...channelDestinations(stored, file)],
  };
}

/** levelRefs are a stored policy's levels with each target as the file's would resolve: "me", or the contact method's id. */
function levelRefs(p: EscalationPolicy): Array<{ delayMinutes: number; targets: string[] }> {
  return p.levels.map((l) => ({ delayMinutes: l.delayMinutes, targets: l.targets.map((t) => (t.kind === 'me' ? 'me' : String(t.contactMethodId))) }));
}

/** ruleChanges keeps each rule the file repeats exactly (urgency, delay, contact method), adds the others and removes what is left, as import does. */
function ruleChanges(repo: ConfigRepo, file: ConfigFile, labels: Map<number, string>, contactRef: (label: string) => string): ConfigEntryChange[] {
  const name = (urgency: string, delay: number, label: string) => `${urgency} urgency, ${delay === 0 ? 'at once' : `after ${delay} min`}: ${label}`;
  const existing = new Map<string, number>();
  const rules = repo.listNotificationRules();
  for (const r of rules) {
    const key = `${r.urgency}|${r.startDelayMinutes}|${r.contactMethodId}`;
    existing.set(key, (existing.get(key) ?? 0) + 1);
  }
  const changes: ConfigEntryChange[] = file.notificationRules.map((r) => {
    const key = `${r.urgency}|${r.startDelayMinutes}|${contactRef(r.contactMethod)}`;
    const left = existing.get(key) ?? 0;
    if (left > 0) existing.set(key, left - 1);
    return { name: name(r.urgency, r.startDelayMinutes, r.contactMethod), change: left > 0 ? 'keep' : 'add' };
  });
  for (const r of rules) {
    const key = `${r.urgency}|${r.startDelayMinutes}|${r.contactMethodId}`;
    const left = existing.get(key) ?? 0;
    if (left === 0) continue;
    existing.set(key, left - 1);
    changes.push(removed(name(r.urgency, r.startDelayMinutes, labels.get(r.contactMethodId) ?? `#${r.contactMethodId}`)));
  }
  return changes;
}

/** monitorChanges matches monitors by name and compares their settings, each config as its type reads it; a heartbeat's ping key counts when it would change. */
function monitorChanges(store: Store, file: ConfigFile, serviceRef: (name: string) => string): ConfigEntryChange[] {
  const repo = new MonitorRepo(store);
  const existing = new Map(repo.list().map((m) => [m.name, m]));
  const inFile = new Set(file.monitors.map((f) => f.name));
  const changes: ConfigEntryChange[] = file.monitors.map((f) => {
    const old = existing.get(f.name);
    if (!old) return added(f.name);
    const { pingKey, ...config } = types.parseConfig(f.kind, f.config);
    const fields = changedFields(monitorFields(old, String(old.serviceId), storedConfig(old)), monitorFields(f, serviceRef(f.service), config));
    if (f.kind === 'heartbeat' && pingKeyChanges(repo, old, pingKey)) fields.push('pingKey');
    return fields.length > 0 ? { name: f.name, change: 'update', fields } : { name: f.name, change: 'keep' };
  });
  for (const m of existing.values()) if (!inFile.has(m.name)) changes.push(removed(m.name));
  return changes;
}

function monitorFields(m: Pick<MonitorRecord, 'kind' | (typeof MONITOR_FIELDS)[number]>, service: string, config: Record<string, unknown>): Record<string, unknown> {
  const fields: Record<string, unknown> = { kind: m.kind, service };
  for (const [k, v] of Object.entries(config)) fields[`config.${k}`] = v;
  for (const k of MONITOR_FIELDS) fields[k] = m[k];
  return fields;
}

/** storedConfig is a stored monitor's config as its type reads it today (defaults filled in), or as stored when it no longer passes. */
function storedConfig(m: MonitorRecord): Record<string, unknown> {
  try {
    return types.parseConfig(m.kind, m.config);
  } catch {
    return m.config;
  }
}

/** pingKeyChanges: a heartbeat gets a new key when the file gives one it does not have already, or gives none and it has none to keep. */
function pingKeyChanges(repo: MonitorRepo, old: MonitorRecord, given: unknown): boolean {
  const keeps = old.kind === 'heartbeat' && old.hasPingKey;
  if (typeof given !== 'string') return !keeps;
  return !keeps || repo.idByPingKeyHash(hashPingKey(given)) !== old.id;
}

function channelRows(store: Store): Map<string, Record<string, unknown>> {
  const rows = store.db.prepare('SELECT kind, config_json FROM channel_settings').all() as Array<{ kind: string; config_json: string }>;
  return new Map(rows.map((r) => [r.kind, JSON.parse(r.config_json) as Record<string, unknown>]));
}

/** channelChanges compares each channel's settings, in the file's order of kinds; a kind the file leaves out is removed (import replaces them all). */
function channelChanges(stored: Map<string, Record<string, unknown>>, file: ConfigFile): ConfigEntryChange[] {
  const changes: ConfigEntryChange[] = [];
  for (const kind of Object.keys(ConfigChannels.shape) as Array<keyof ConfigFile['channels']>) {
    const next = file.channels[kind] as Record<string, unknown> | undefined;
    const old = stored.get(kind);
    if (next !== undefined) changes.push(old ? compared(kind, old, next) : added(kind));
    else if (old) changes.push(removed(kind));
  }
  return changes;
}

/** contactDestinations are contact methods whose address or type changes, and new ones that name a keychain entry (its secret would go to them). */
function contactDestinations(file: ConfigFile, oldest: Map<string, ContactMethod>): ConfigDestinationChange[] {
  const out: ConfigDestinationChange[] = [];
  for (const f of file.contactMethods) {
    const old = oldest.get(f.label);
    if (!old) {
      if (f.secretRef !== null) out.push({ section: 'contactMethods', name: f.label, field: 'address', from: null, to: credentialFreeUrl(f.address), note: DESTINATION_NOTE });
      continue;
    }
    if (old.type !== f.type) out.push({ section: 'contactMethods', name: f.label, field: 'type', from: old.type, to: f.type, note: DESTINATION_NOTE });
    if (credentialFreeUrl(old.address) !== credentialFreeUrl(f.address)) out.push({ section: 'contactMethods', name: f.label, field: 'address', from: credentialFreeUrl(old.address), to: credentialFreeUrl(f.address), note: DESTINATION_NOTE });
  }
  return out;
}

/** channelDestinations are the channel settings (URL, host, account, server) the file sets to something other than what is stored. */
function channelDestinations(stored: Map<string, Record<string, unknown>>, file: ConfigFile): ConfigDestinationChange[] {
  const out: ConfigDestinationChange[] = [];
  for (const [kind, settings] of Object.entries(file.channels) as Array<[string, Record<string, unknown> | undefined]>) {
    if (settings === undefined) continue;
    const old = stored.get(kind);
    for (const field of DESTINATION_FIELDS) {
      const from = typeof old?.[field] === 'string' ? (old[field] as string) : null;
      const to = typeof settings[field] === 'string' ? (settings[field] as string) : null;
      if (from !== to) out.push({ section: 'channels', name: kind, field, from, to, note: DESTINATION_NOTE });
    }
  }
  return out;
}

function added(name: string): ConfigEntryChange {
  return { name, change: 'add' };
}

function removed(name: string): ConfigEntryChange {
  return { name, change: 'remove' };
}

/** compared is an update naming the fields whose values differ (a field absent on one side counts), or a keep. */
function compared(name: string, old: object, next: object): ConfigEntryChange {
  const fields = changedFields(old as Record<string, unknown>, next as Record<string, unknown>);
  const change: ConfigChangeKind = fields.length > 0 ? 'update' : 'keep';
  return fields.length > 0 ? { name, change, fields } : { name, change };
}

function changedFields(old: Record<string, unknown>, next: Record<string, unknown>): string[] {
  const keys = [...new Set([...Object.keys(next), ...Object.keys(old)])];
  return keys.filter((k) => canonical(old[k]) !== canonical(next[k]));
}

/** canonical is JSON with object keys sorted, so equal values compare equal whatever order their keys were written in. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v)) ?? 'undefined';
}

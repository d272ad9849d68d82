/**
 * Configuration as code: export the whole configuration (profile, contact methods, notification
 * rules, escalation policies, services, channel settings) to YAML or JSON with ids replaced by
 * names, and import such a file back. An import is validated completely first and then applied
 * in one transaction that makes the database's configuration equal to the file, or changes nothing.
 */
import YAML from 'yaml';
import type { ImportSummary } from '../../shared/api.ts';
import { ConfigFile, ConfigFileVersion } from '../../shared/config-file.ts';
import type { ConfigPolicy, ConfigRule, ConfigService } from '../../shared/config-file.ts';
import { ApiError, invalidInput } from '../../shared/errors.ts';
import type { ContactMethod, ContactMethodInput, EscalationPolicyInput, ServiceInput } from '../../shared/schemas.ts';
import { MonitoringSettings } from '../../shared/monitor-schemas.ts';
import { applyMonitors, checkMonitorConfigs, monitorsDocument } from '../monitors/config-section.ts';
import { credentialFreeUrl } from '../notify/secret-destinations.ts';
import { ConfigRepo } from '../store/config-repo.ts';
import type { Store } from '../store/database.ts';
import { readConfigText, type ConfigFormat } from './config-text.ts';

export type { ConfigFormat } from './config-text.ts';

const HEADER = [
  ` Standby configuration (format version ${ConfigFileVersion}).`,
  ' Entities refer to each other by name: a contact method by its label, a policy by its name.',
  ' Secrets are never in this file: a contact method\'s secretRef names an OS keychain entry, and a URL that',
  ' carries a credential is written without it (urlSecretRef names the entry that holds the whole URL).',
  ' A secret is sent only where it was entered for: point a contact method or a channel elsewhere and enter it again.',
  ' Import: npm run serve -- --config FILE, or the API method config.import (replaces everything).',
].join('\n');

/** exportConfig writes the whole configuration as YAML or JSON, ids replaced by names, in a stable order. */
export function exportConfig(store: Store, format: ConfigFormat): string {
  const doc = configDocument(store);
  if (format === 'json') return `${JSON.stringify(doc, null, 2)}\n`;
  const yaml = new YAML.Document(doc);
  yaml.commentBefore = HEADER;
  YAML.visit(yaml, {
    // Short lists of values and small leaf maps ({ kind: me }) read better on one line.
    Seq: (_, node) => void (node.flow = node.items.every((i) => YAML.isScalar(i))),
    Map: (_, node) => void (node.flow = node.items.length <= 2 && node.items.every((p) => YAML.isScalar(p.value))),
    // YAML 1.1 tools read an unquoted 09:30 as a number (sexagesimal); quote times of day.
    Scalar: (_, node) => void (typeof node.value === 'string' && /^\d{1,2}:\d{2}$/.test(node.value) && (node.type = 'QUOTE_DOUBLE')),
  });
  return yaml.toString({ lineWidth: 0 });
}

/**
 * parseConfig reads and validates a configuration file, within the bounds of readConfigText (size,
 * nesting, aliases, values); the format is guessed when absent (JSON if it starts with `{`).
 */
export function parseConfig(text: string, format?: ConfigFormat): ConfigFile {
  const fmt = format ?? (text.trimStart().startsWith('{') ? 'json' : 'yaml');
  const data = readConfigText(text, fmt);
  const parsed = ConfigFile.safeParse(data);
  if (!parsed.success) throw invalidInput(parsed.error);
  checkMonitorConfigs(parsed.data);
  return parsed.data;
}

/** importConfig validates a configuration file completely, then makes the database's configuration equal to it, all or nothing. */
export function importConfig(store: Store, text: string, format?: ConfigFormat): ImportSummary {
  return applyConfig(store, parseConfig(text, format));
}

/**
 * applyConfig makes the database's configuration equal to a parsed file in one transaction that
 * any error rolls back: rows are matched by label or name (so they keep their ids), missing ones
 * created, and rows absent from the file deleted, except that a service with incidents is kept and
 * disabled (with the policy and contact methods it still needs).
 */
export function applyConfig(store: Store, config: ConfigFile): ImportSummary {
  const checked = ConfigFile.safeParse(config);
  if (!checked.success) throw invalidInput(checked.error);
  const file = checked.data;
  checkMonitorConfigs(file);
  const repo = new ConfigRepo(store);

  store.transaction(() => {
    repo.setProfile(file.profile);
    const contactIds = upsertContactMethods(repo, file.contactMethods);
    replaceNotificationRules(repo, file.notificationRules, contactIds);
    const policyIds = upsertPolicies(repo, file.escalationPolicies, contactIds);
    upsertServices(repo, file.services, policyIds);
    // Monitors before the services they watch may be deleted; created_at only records when a monitor was added.
    applyMonitors(store, file, Date.now());

    const keptPolicyIds = new Set(policyIds.values());
    for (const s of repo.listServices()) {
      if (file.services.some((f) => f.name === s.name)) continue;
      if (hasIncidents(store, s.id)) {
        repo.updateService(s.id, { ...s, enabled: false });
        keptPolicyIds.add(s.escalationPolicyId);
      } else {
        repo.deleteService(s.id);
      }
    }

    const keptContactIds = new Set(contactIds.values());
    for (const p of repo.listEscalationPolicies()) {
      if (!keptPolicyIds.has(p.id)) {
        repo.deleteEscalationPolicy(p.id);
        continue;
      }
      for (const t of p.levels.flatMap((l) => l.targets)) if (t.kind === 'contact') keptContactIds.add(t.contactMethodId);
    }
    for (const c of repo.listContactMethods()) if (!keptContactIds.has(c.id)) repo.deleteContactMethod(c.id);

    store.db.prepare('DELETE FROM channel_settings').run();
    const insert = store.db.prepare('INSERT INTO channel_settings (kind, config_json) VALUES (?, ?)');
    for (const [kind, settings] of Object.entries(file.channels)) if (settings !== undefined) insert.run(kind, JSON.stringify(settings));
  });

  return {
    contactMethods: file.contactMethods.length,
    notificationRules: file.notificationRules.length,
    escalationPolicies: file.escalationPolicies.length,
    services: file.services.length,
    monitors: file.monitors.length,
  };
}

/** upsertContactMethods updates the method with each label (the oldest, if several share it) or creates it; returns label -> id. */
function upsertContactMethods(repo: ConfigRepo, methods: ContactMethodInput[]): Map<string, number> {
  const existing = new Map<string, ContactMethod>();
  for (const c of repo.listContactMethods()) if (!existing.has(c.label)) existing.set(c.label, c);
  const ids = new Map<string, number>();
  for (const m of methods) {
    const old = existing.get(m.label);
    ids.set(m.label, old ? repo.updateContactMethod(old.id, m).id : repo.createContactMethod(m).id);
  }
  return ids;
}

/** replaceNotificationRules keeps the rules the file repeats exactly (and their ids), deletes the others and creates the new ones. */
function replaceNotificationRules(repo: ConfigRepo, rules: ConfigRule[], contactIds: Map<string, number>): void {
  const key = (urgency: string, delay: number, contactMethodId: number) => `${urgency}|${delay}|${contactMethodId}`;
  const existing = new Map<string, number[]>();
  for (const r of repo.listNotificationRules()) {
    const k = key(r.urgency, r.startDelayMinutes, r.contactMethodId);
    existing.set(k, [...(existing.get(k) ?? []), r.id]);
  }
  const toCreate = [];
  for (const r of rules) {
    const contactMethodId = idOf(contactIds, r.contactMethod, 'contact method');
    const kept = existing.get(key(r.urgency, r.startDelayMinutes, contactMethodId))?.shift();
    if (kept === undefined) toCreate.push({ urgency: r.urgency, startDelayMinutes: r.startDelayMinutes, contactMethodId });
  }
  for (const id of [...existing.values()].flat()) repo.deleteNotificationRule(id);
  for (const r of toCreate) repo.createNotificationRule(r);
}

/** upsertPolicies updates the policy with each name or creates it, contact targets resolved to ids; returns name -> id. */
function upsertPolicies(repo: ConfigRepo, policies: ConfigPolicy[], contactIds: Map<string, number>): Map<string, number> {
  const existing = new Map(repo.listEscalationPolicies().map((p) => [p.name, p.id]));
  const ids = new Map<string, number>();
  for (const p of policies) {
    const input: EscalationPolicyInput = {
      name: p.name,
      description: p.description,
      repeatCount: p.repeatCount,
      levels: p.levels.map((l) => ({
        delayMinutes: l.delayMinutes,
        targets: l.targets.map((t) => (t.kind === 'me' ? t : { kind: 'contact' as const, contactMethodId: idOf(contactIds, t.contactMethod, 'contact method') })),
      })),
    };
    const id = existing.get(p.name);
    ids.set(p.name, id === undefined ? repo.createEscalationPolicy(input).id : repo.updateEscalationPolicy(id, input).id);
  }
  return ids;
}

/** upsertServices updates the service with each name (keeping its id, so its incidents stay with it) or creates it. */
function upsertServices(repo: ConfigRepo, services: ConfigService[], policyIds: Map<string, number>): void {
  const existing = new Map(repo.listServices().map((s) => [s.name, s.id]));
  for (const s of services) {
    const { escalationPolicy, ...rest } = s;
    const input: ServiceInput = { ...rest, escalationPolicyId: idOf(policyIds, escalationPolicy, 'escalation policy') };
    const id = existing.get(s.name);
    if (id === undefined) repo.createService(input);
    else repo.updateService(id, input);
  }
}

function idOf(ids: Map<string, number>, name: string, what: string): number {
  const id = ids.get(name);
  // The schema has already checked every reference; this guards against a caller that skipped it.
  if (id === undefined) throw new ApiError('invalid_input', `no ${what} named "${name}" in the file`);
  return id;
}

/** hasIncidents tells whether a service has any incident, so an import disables it rather than deleting its history. */
export function hasIncidents(store: Store, serviceId: number): boolean {
  return store.db.prepare('SELECT 1 FROM incidents WHERE service_id = ? LIMIT 1').get(serviceId) !== undefined;
}

/** configDocument is the configuration as a plain object in the file's shape, omitting fields left at their defaults. */
function configDocument(store: Store): Record<string, unknown> {
  const repo = new ConfigRepo(store);
  const contacts = repo.listContactMethods();
  const labels = new Map(contacts.map((c) => [c.id, c.label]));
  const policies = repo.listEscalationPolicies();
  const policyNames = new Map(policies.map((p) => [p.id, p.name]));
  const label = (id: number) => labels.get(id) ?? `#${id}`;

  const channels: Record<string, unknown> = {};
  const rows = store.db.prepare('SELECT kind, config_json FROM channel_settings ORDER BY kind').all() as Array<{ kind: string; config_json: string }>;
  for (const r of rows) channels[r.kind] = JSON.parse(r.config_json);

  return {
    version: ConfigFileVersion,
    profile: repo.getProfile(),
    // A URL's credential never leaves in a file: it is in the keychain (urlSecretRef), and the URL is written without it.
    contactMethods: contacts.map((c) => ({ label: c.label, type: c.type, address: credentialFreeUrl(c.address), ...(c.secretRef !== null ? { secretRef: c.secretRef } : {}), ...(c.urlSecretRef ? { urlSecretRef: c.urlSecretRef } : {}) })),
    notificationRules: repo.listNotificationRules().map((r) => ({ urgency: r.urgency, startDelayMinutes: r.startDelayMinutes, contactMethod: label(r.contactMethodId) })),
    escalationPolicies: policies.map((p) => ({
      name: p.name,
      ...(p.description !== '' ? { description: p.description } : {}),
      repeatCount: p.repeatCount,
      levels: p.levels.map((l) => ({
        delayMinutes: l.delayMinutes,
        targets: l.targets.map((t) => (t.kind === 'me' ? { kind: 'me' } : { kind: 'contact', contactMethod: label(t.contactMethodId) })),
      })),
    })),
    services: repo
      .listServices()
      .sort((a, b) => a.id - b.id)
      .map((s) => ({
        name: s.name,
        ...(s.description !== '' ? { description: s.description } : {}),
        escalationPolicy: policyNames.get(s.escalationPolicyId) ?? `#${s.escalationPolicyId}`,
        urgencyRule: s.urgencyRule,
        ackTimeoutMinutes: s.ackTimeoutMinutes,
        autoResolveMinutes: s.autoResolveMinutes,
        ...(s.maintenanceWindows.length > 0 ? { maintenanceWindows: s.maintenanceWindows } : {}),
        ...(s.enabled ? {} : { enabled: false }),
      })),
    ...(rows.length > 0 ? { channels } : {}),
    ...monitorSections(store),
  };
}

/** monitorSections are the monitors and monitoring settings, each only when it holds something other than the defaults. */
function monitorSections(store: Store): Record<string, unknown> {
  const { monitors, monitoring } = monitorsDocument(store);
  const defaults = JSON.stringify(MonitoringSettings.parse({}));
  return { ...(monitors.length > 0 ? { monitors } : {}), ...(JSON.stringify(monitoring) !== defaults ? { monitoring } : {}) };
}

/**
 * ConfigRepo reads and writes the person's configuration: profile, contact methods, notification
 * rules, escalation policies and services. Inputs arrive validated; references between rows are
 * checked here so a bad id answers with a clear error instead of a constraint failure.
 */
import { readlinkSync } from 'node:fs';
import type { SQLInputValue } from 'node:sqlite';
import { ApiError, notFound } from '../../shared/errors.ts';
import { isTimeZone, type ContactMethod, type ContactMethodInput, type EscalationPolicy, type EscalationPolicyInput, type NotificationRule, type NotificationRuleInput, type Profile, type Service, type ServiceInput } from '../../shared/schemas.ts';
import type { Store } from './database.ts';
import { keptRead } from './kept-reads.ts';

type Row = Record<string, SQLInputValue>;

/**
 * defaultTimeZone is the machine's zone, used for a new profile: the zone TZ names, else the zone
 * /etc/localtime links to (Linux, macOS), else Intl's answer, which ICU finds in the same two places.
 * Asking Intl builds a formatter, and with it ICU maps 8 MB of locale data that a server keeps for its
 * whole life; the first two answer without it.
 */
export function defaultTimeZone(env: NodeJS.ProcessEnv = process.env, localtime = '/etc/localtime'): string {
  const named = env.TZ?.replace(/^:/, '');
  if (named && isTimeZone(named)) return utcAs(named);
  try {
    const linked = /\/zoneinfo\/(.+)$/.exec(readlinkSync(localtime))?.[1];
    if (linked && isTimeZone(linked)) return utcAs(linked);
  } catch {
    // No link (Windows, or a copied file): Intl knows.
  }
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/** utcAs spells UTC's aliases as Intl does ("Etc/UTC" is "UTC"). */
function utcAs(zone: string): string {
  return /^(Etc\/)?(UTC|UCT|Universal|Zulu)$/.test(zone) ? 'UTC' : zone;
}

/** ConfigRepo is the configuration tables' one door. */
export class ConfigRepo {
  private readonly store: Store;

  constructor(store: Store) {
    this.store = store;
  }


  /** isFresh tells whether the database has never held a profile (a new installation). */
  isFresh(): boolean {
    return this.store.prepare('SELECT 1 FROM profile WHERE id = 1').get() === undefined;
  }

  getProfile(): Profile {
    // Kept until the table changes (kept-reads.ts): every page reads the time zone.
    const r = keptRead(this.store, 'profile', 1, () => this.store.prepare('SELECT name, email, phone, time_zone FROM profile WHERE id = 1').get() as Row | undefined);
    if (!r) return { name: '', email: '', phone: '', timeZone: defaultTimeZone() };
    return { name: String(r.name), email: String(r.email), phone: String(r.phone), timeZone: String(r.time_zone) };
  }

  setProfile(p: Profile): Profile {
    this.store
      .prepare('INSERT INTO profile (id, name, email, phone, time_zone) VALUES (1, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET name = excluded.name, email = excluded.email, phone = excluded.phone, time_zone = excluded.time_zone')
      .run(p.name, p.email, p.phone, p.timeZone);
    return this.getProfile();
  }

  // Contact methods

  listContactMethods(): ContactMethod[] {
    return (this.store.prepare('SELECT * FROM contact_methods ORDER BY id').all() as Row[]).map(contactFromRow);
  }

  /** contactTypes maps each contact method's id to its type; kept until the table changes (kept-reads.ts): the job runner asks on every look. Do not change it. */
  contactTypes(): ReadonlyMap<number, string> {
    return keptRead(this.store, 'contact_methods', 'types', () => new Map((this.store.prepare('SELECT id, type FROM contact_methods').all() as Array<{ id: number; type: string }>).map((r) => [r.id, r.type])));
  }

  getContactMethod(id: number): ContactMethod {
    // Kept until the table changes (kept-reads.ts): every page reads its contact method, twice.
    const r = keptRead(this.store, 'contact_methods', id, () => this.store.prepare('SELECT * FROM contact_methods WHERE id = ?').get(id) as Row | undefined);
    if (!r) throw notFound('contact method', id);
    return contactFromRow(r);
  }

  createContactMethod(v: ContactMethodInput): ContactMethod {
    this.checkLabel(v.label, null);
    const res = this.store.prepare('INSERT INTO contact_methods (type, label, address, secret_ref, url_secret_ref) VALUES (?, ?, ?, ?, ?)').run(v.type, v.label, v.address, v.secretRef, v.urlSecretRef ?? null);
    return this.getContactMethod(Number(res.lastInsertRowid));
  }

  updateContactMethod(id: number, v: ContactMethodInput): ContactMethod {
    this.getContactMethod(id);
    this.checkLabel(v.label, id);
    this.store.prepare('UPDATE contact_methods SET type = ?, label = ?, address = ?, secret_ref = ?, url_secret_ref = ? WHERE id = ?').run(v.type, v.label, v.address, v.secretRef, v.urlSecretRef ?? null, id);
    return this.getContactMethod(id);
  }

  deleteContactMethod(id: number): void {
    const cm = this.getContactMethod(id);
    const rules = this.store.prepare('SELECT COUNT(*) AS n FROM notification_rules WHERE contact_method_id = ?').get(id) as { n: number };
    if (rules.n > 0) throw new ApiError('conflict', `contact method "${cm.label}" is used by ${rules.n} notification rule(s); delete those first`);
    const policy = this.listEscalationPolicies().find((p) => p.levels.some((l) => l.targets.some((t) => t.kind === 'contact' && t.contactMethodId === id)));
    if (policy) throw new ApiError('conflict', `contact method "${cm.label}" is a target of escalation policy "${policy.name}"; remove it there first`);
    this.store.prepare('DELETE FROM contact_methods WHERE id = ?').run(id);
  }

  // Notification rules

  listNotificationRules(): NotificationRule[] {
    return (this.store.prepare('SELECT * FROM notification_rules ORDER BY urgency, start_delay_minutes, id').all() as Row[]).map(ruleFromRow);
  }

  getNotificationRule(id: number): NotificationRule {
    const r = this.store.prepare('SELECT * FROM notification_rules WHERE id = ?').get(id) as Row | undefined;
    if (!r) throw notFound('notification rule', id);
    return ruleFromRow(r);
  }

  createNotificationRule(v: NotificationRuleInput): NotificationRule {
    this.requireContact(v.contactMethodId, 'contactMethodId');
    const res = this.store.prepare('INSERT INTO notification_rules (urgency, start_delay_minutes, contact_method_id) VALUES (?, ?, ?)').run(v.urgency, v.startDelayMinutes, v.contactMethodId);
    return this.getNotificationRule(Number(res.lastInsertRowid));
  }

  updateNotificationRule(id: number, v: NotificationRuleInput): NotificationRule {
    this.getNotificationRule(id);
    this.requireContact(v.contactMethodId, 'contactMethodId');
    this.store.prepare('UPDATE notification_rules SET urgency = ?, start_delay_minutes = ?, contact_method_id = ? WHERE id = ?').run(v.urgency, v.startDelayMinutes, v.contactMethodId, id);
    return this.getNotificationRule(id);
  }

  deleteNotificationRule(id: number): void {
    this.getNotificationRule(id);
    this.store.prepare('DELETE FROM notification_rules WHERE id = ?').run(id);
  }

  // Escalation policies

  listEscalationPolicies(): EscalationPolicy[] {
    return (this.store.prepare('SELECT * FROM escalation_policies ORDER BY id').all() as Row[]).map(policyFromRow);
  }

  getEscalationPolicy(id: number): EscalationPolicy {
    const r = this.store.prepare('SELECT * FROM escalation_policies WHERE id = ?').get(id) as Row | undefined;
    if (!r) throw notFound('escalation policy', id);
    return policyFromRow(r);
  }

  createEscalationPolicy(v: EscalationPolicyInput): EscalationPolicy {
    this.checkPolicy(v, null);
    const res = this.store.prepare('INSERT INTO escalation_policies (name, description, levels_json, repeat_count) VALUES (?, ?, ?, ?)').run(v.name, v.description, JSON.stringify(v.levels), v.repeatCount);
    return this.getEscalationPolicy(Number(res.lastInsertRowid));
  }

  updateEscalationPolicy(id: number, v: EscalationPolicyInput): EscalationPolicy {
    this.getEscalationPolicy(id);
    this.checkPolicy(v, id);
    this.store.prepare('UPDATE escalation_policies SET name = ?, description = ?, levels_json = ?, repeat_count = ? WHERE id = ?').run(v.name, v.description, JSON.stringify(v.levels), v.repeatCount, id);
    return this.getEscalationPolicy(id);
  }

  deleteEscalationPolicy(id: number): void {
    const p = this.getEscalationPolicy(id);
    const used = this.store.prepare('SELECT name FROM services WHERE escalation_policy_id = ? LIMIT 1').get(id) as Row | undefined;
    if (used) throw new ApiError('conflict', `escalation policy "${p.name}" is used by service "${String(used.name)}"; give that service another policy first`);
    this.store.prepare('DELETE FROM escalation_policies WHERE id = ?').run(id);
  }

  // Services

  listServices(): Service[] {
    return (this.store.prepare('SELECT * FROM services ORDER BY name').all() as Row[]).map(serviceFromRow);
  }

  getService(id: number): Service {
    const r = this.store.prepare('SELECT * FROM services WHERE id = ?').get(id) as Row | undefined;
    if (!r) throw notFound('service', id);
    return serviceFromRow(r);
  }

  createService(v: ServiceInput): Service {
    this.checkService(v, null);
    const res = this.store
      .prepare('INSERT INTO services (name, description, escalation_policy_id, urgency_rule_json, ack_timeout_minutes, auto_resolve_minutes, maintenance_json, enabled) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(v.name, v.description, v.escalationPolicyId, JSON.stringify(v.urgencyRule), v.ackTimeoutMinutes, v.autoResolveMinutes, JSON.stringify(v.maintenanceWindows), v.enabled ? 1 : 0);
    return this.getService(Number(res.lastInsertRowid));
  }

  updateService(id: number, v: ServiceInput): Service {
    this.getService(id);
    this.checkService(v, id);
    this.store
      .prepare('UPDATE services SET name = ?, description = ?, escalation_policy_id = ?, urgency_rule_json = ?, ack_timeout_minutes = ?, auto_resolve_minutes = ?, maintenance_json = ?, enabled = ? WHERE id = ?')
      .run(v.name, v.description, v.escalationPolicyId, JSON.stringify(v.urgencyRule), v.ackTimeoutMinutes, v.autoResolveMinutes, JSON.stringify(v.maintenanceWindows), v.enabled ? 1 : 0, id);
    return this.getService(id);
  }

  deleteService(id: number): void {
    const s = this.getService(id);
    const n = this.store.prepare('SELECT COUNT(*) AS n FROM incidents WHERE service_id = ?').get(id) as { n: number };
    if (n.n > 0) throw new ApiError('conflict', `service "${s.name}" has ${n.n} incident(s) in its history; disable it instead of deleting it`);
    this.store.prepare('DELETE FROM services WHERE id = ?').run(id);
  }

  private requireContact(id: number, path: string): ContactMethod {
    const r = this.store.prepare('SELECT * FROM contact_methods WHERE id = ?').get(id) as Row | undefined;
    if (!r) throw new ApiError('invalid_input', `${path}: contact method ${id} does not exist`, [{ path, message: `contact method ${id} does not exist` }]);
    return contactFromRow(r);
  }

  /** Labels name contact methods in the configuration file and the UI, so they are unique. */
  private checkLabel(label: string, id: number | null): void {
    const clash = this.store.prepare('SELECT id FROM contact_methods WHERE label = ? AND id IS NOT ?').get(label, id) as Row | undefined;
    if (clash) throw new ApiError('invalid_input', `label: a contact method labelled "${label}" already exists`, [{ path: 'label', message: 'must be unique' }]);
  }

  private checkPolicy(v: EscalationPolicyInput, id: number | null): void {
    v.levels.forEach((level, li) =>
      level.targets.forEach((t, ti) => {
        if (t.kind === 'contact') this.requireContact(t.contactMethodId, `levels.${li}.targets.${ti}.contactMethodId`);
      }),
    );
    const clash = this.store.prepare('SELECT id FROM escalation_policies WHERE name = ? AND id IS NOT ?').get(v.name, id) as Row | undefined;
    if (clash) throw new ApiError('invalid_input', `name: an escalation policy named "${v.name}" already exists`, [{ path: 'name', message: 'must be unique' }]);
  }

  private checkService(v: ServiceInput, id: number | null): void {
    const p = this.store.prepare('SELECT id FROM escalation_policies WHERE id = ?').get(v.escalationPolicyId) as Row | undefined;
    if (!p) throw new ApiError('invalid_input', `escalationPolicyId: escalation policy ${v.escalationPolicyId} does not exist`, [{ path: 'escalationPolicyId', message: `escalation policy ${v.escalationPolicyId} does not exist` }]);
    const clash = this.store.prepare('SELECT id FROM services WHERE name = ? AND id IS NOT ?').get(v.name, id) as Row | undefined;
    if (clash) throw new ApiError('invalid_input', `name: a service named "${v.name}" already exists`, [{ path: 'name', message: 'must be unique' }]);
  }
}

function contactFromRow(r: Row): ContactMethod {
  const urlSecretRef = r.url_secret_ref === null || r.url_secret_ref === undefined ? {} : { urlSecretRef: String(r.url_secret_ref) };
  return { id: Number(r.id), type: String(r.type) as ContactMethod['type'], label: String(r.label), address: String(r.address), secretRef: r.secret_ref === null ? null : String(r.secret_ref), ...urlSecretRef };
}

function ruleFromRow(r: Row): NotificationRule {
  return { id: Number(r.id), urgency: String(r.urgency) as NotificationRule['urgency'], startDelayMinutes: Number(r.start_delay_minutes), contactMethodId: Number(r.contact_method_id) };
}

function policyFromRow(r: Row): EscalationPolicy {
  return { id: Number(r.id), name: String(r.name), description: String(r.description), levels: JSON.parse(String(r.levels_json)), repeatCount: Number(r.repeat_count) };
}

function serviceFromRow(r: Row): Service {
  return {
    id: Number(r.id),
    name: String(r.name),
    description: String(r.description),
    escalationPolicyId: Number(r.escalation_policy_id),
    urgencyRule: JSON.parse(String(r.urgency_rule_json)),
    ackTimeoutMinutes: Number(r.ack_timeout_minutes),
    autoResolveMinutes: Number(r.auto_resolve_minutes),
    maintenanceWindows: JSON.parse(String(r.maintenance_json)),
    enabled: Number(r.enabled) === 1,
  };
}

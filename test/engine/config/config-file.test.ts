import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { applyConfig, exportConfig, importConfig, parseConfig } from '../../../electron/engine/config/config-file.ts';
import { ConfigRepo } from '../../../electron/engine/store/config-repo.ts';
import { Store } from '../../../electron/engine/store/database.ts';
import { ApiError } from '../../../electron/shared/errors.ts';

const SAMPLE = `version: 1
profile: { name: Ada, email: ada@example.com, phone: "+14155550123", timeZone: Europe/Paris }
contactMethods:
  - { label: This computer, type: desktop, address: "" }
  - { label: Mobile (SMS), type: sms, address: "+14155550123" }
  - { label: "Sam, backup (email)", type: email, address: sam@example.com, secretRef: smtp-password }
notificationRules:
  - { urgency: high, startDelayMinutes: 0, contactMethod: This computer }
  - { urgency: high, startDelayMinutes: 5, contactMethod: Mobile (SMS) }
  - { urgency: low, startDelayMinutes: 0, contactMethod: This computer }
escalationPolicies:
  - name: Default
    repeatCount: 2
    levels:
      - { delayMinutes: 15, targets: [ { kind: me } ] }
      - { delayMinutes: 15, targets: [ { kind: contact, contactMethod: "Sam, backup (email)" } ] }
  - name: Quiet
    description: Only me
    levels:
      - { delayMinutes: 30, targets: [ { kind: me } ] }
services:
  - { name: Blog, escalationPolicy: Default, urgencyRule: { type: severity }, ackTimeoutMinutes: 30, autoResolveMinutes: 240 }
  - name: Shop
    escalationPolicy: Quiet
    urgencyRule: { type: support_hours, supportHours: { days: [1, 2, 3, 4, 5], start: "09:00", end: "18:00" } }
    maintenanceWindows:
      - { type: weekly, days: [0], start: "02:00", end: "03:00", description: backups }
channels:
  sms: { provider: webhook, url: "http://127.0.0.1:8080/sms" }
`;

/** edit parses SAMPLE, lets a test change it, and gives it back as YAML. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the tests break the file on purpose, in ways no type allows
function edit(change: (doc: Record<string, any>) => void): string {
  const doc = YAML.parse(SAMPLE);
  change(doc);
  return YAML.stringify(doc);
}

/** dump is every configuration table's rows, to compare the database before and after. */
function dump(store: Store): string {
  const tables = ['profile', 'contact_methods', 'notification_rules', 'escalation_policies', 'services', 'channel_settings', 'incidents'];
  return JSON.stringify(tables.map((t) => store.db.prepare(`SELECT * FROM ${t} ORDER BY 1`).all()));
}

function addIncident(store: Store, serviceId: number): void {
  store.db
    .prepare(
      `INSERT INTO incidents (number, title, service_id, urgency, status, dedup_key, created_at, escalation_level, escalation_round, cycle, alert_count, details_json, updated_at)
       VALUES ((SELECT COALESCE(MAX(number), 0) + 1 FROM incidents), 'Down', ?, 'high', 'triggered', 'k', 0, 0, 0, 0, 1, '{}', 0)`,
    )
    .run(serviceId);
}

function caught(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ApiError);
    return err as ApiError;
  }
  throw new Error('expected an error');
}

let store: Store;
let repo: ConfigRepo;

beforeEach(() => {
  store = new Store(':memory:');
  repo = new ConfigRepo(store);
});

afterEach(() => store.close());

describe('exportConfig and importConfig', () => {
  it('round-trips: an export imports back to the same export, in YAML and JSON', () => {
    const summary = importConfig(store, SAMPLE);
    expect(summary).toEqual({ contactMethods: 3, notificationRules: 3, escalationPolicies: 2, services: 2, monitors: 0 });

    const yaml = exportConfig(store, 'yaml');
    const json = exportConfig(store, 'json');
    expect(yaml.startsWith('# Standby configuration')).toBe(true);
    expect(yaml).toContain('{ kind: contact, contactMethod: "Sam, backup (email)" }');
    expect(yaml).toContain('escalationPolicy: Quiet');
    expect(yaml).toContain('days: [ 1, 2, 3, 4, 5 ]\n        start: "09:00"');
    expect(yaml).not.toMatch(/Id:/);
    expect(JSON.parse(json)).toEqual(YAML.parse(yaml));
    expect(JSON.parse(json).channels).toEqual({ sms: { provider: 'webhook', url: 'http://127.0.0.1:8080/sms' } });

    importConfig(store, yaml);
    expect(exportConfig(store, 'yaml')).toBe(yaml);
    importConfig(store, json);
    expect(exportConfig(store, 'yaml')).toBe(yaml);
    expect(exportConfig(store, 'json')).toBe(json);

    const other = new Store(':memory:');
    try {
      importConfig(other, json, 'json');
      expect(exportConfig(other, 'yaml')).toBe(yaml);
    } finally {
      other.close();
    }
  });

  it('exports an empty database as a file that imports', () => {
    const text = exportConfig(store, 'yaml');
    expect(parseConfig(text).contactMethods).toEqual([]);
    importConfig(store, text);
    expect(exportConfig(store, 'yaml')).toBe(text);
  });

  it('keeps the ids of unchanged entities and updates changed ones in place', () => {
    importConfig(store, SAMPLE);
    const before = { contacts: repo.listContactMethods(), rules: repo.listNotificationRules(), policies: repo.listEscalationPolicies(), services: repo.listServices() };

    importConfig(
      store,
      edit((doc) => {
        doc.contactMethods.push({ label: 'Pager', type: 'webhook', address: 'https://example.com/hook' });
        doc.notificationRules.splice(2, 1);
        doc.services[0].description = 'My blog';
        doc.services.reverse();
      }),
    );

    const contacts = repo.listContactMethods();
    expect(contacts.slice(0, 3)).toEqual(before.contacts);
    expect(contacts[3]?.label).toBe('Pager');
    expect(repo.listNotificationRules()).toEqual(before.rules.filter((r) => r.urgency === 'high'));
    expect(repo.listEscalationPolicies()).toEqual(before.policies);
    const services = repo.listServices();
    expect(services.map((s) => s.id)).toEqual(before.services.map((s) => s.id));
    expect(services.find((s) => s.name === 'Blog')?.description).toBe('My blog');
  });

  it('deletes what the file no longer holds and replaces channel settings', () => {
    importConfig(store, SAMPLE);
    importConfig(
      store,
      edit((doc) => {
        doc.services = doc.services.filter((s: { name: string }) => s.name === 'Blog');
        doc.escalationPolicies = doc.escalationPolicies.filter((p: { name: string }) => p.name === 'Default');
        doc.escalationPolicies[0].levels.pop();
        doc.contactMethods = doc.contactMethods.filter((c: { label: string }) => c.label !== 'Sam, backup (email)');
        delete doc.channels;
      }),
    );
    expect(repo.listServices().map((s) => s.name)).toEqual(['Blog']);
    expect(repo.listEscalationPolicies().map((p) => p.name)).toEqual(['Default']);
    expect(repo.listContactMethods().map((c) => c.label)).toEqual(['This computer', 'Mobile (SMS)']);
    expect(store.db.prepare('SELECT COUNT(*) AS n FROM channel_settings').get()).toEqual({ n: 0 });
  });

  it('disables a removed service that has incidents instead of deleting it, keeping its policy', () => {
    importConfig(store, SAMPLE);
    const shop = repo.listServices().find((s) => s.name === 'Shop')!;
    addIncident(store, shop.id);

    importConfig(
      store,
      edit((doc) => {
        doc.services = doc.services.filter((s: { name: string }) => s.name !== 'Shop');
        doc.escalationPolicies = doc.escalationPolicies.filter((p: { name: string }) => p.name !== 'Quiet');
      }),
    );

    expect(repo.getService(shop.id)).toEqual({ ...shop, enabled: false });
    expect(repo.listEscalationPolicies().map((p) => p.name)).toEqual(['Default', 'Quiet']);
    expect(store.db.prepare('SELECT service_id FROM incidents').all()).toEqual([{ service_id: shop.id }]);
    expect(exportConfig(store, 'yaml')).toMatch(/name: Shop\n(.*\n)*? {4}enabled: false/);

    // Without incidents, a removed service is deleted.
    importConfig(store, edit((doc) => (doc.services = doc.services.filter((s: { name: string }) => s.name !== 'Blog'))));
    expect(repo.listServices().map((s) => s.name)).toEqual(['Shop']);
  });
});

describe('a failed import changes nothing', () => {
  beforeEach(() => {
    importConfig(store, SAMPLE);
  });

  const cases: Array<[string, () => string, 'yaml' | 'json' | undefined, RegExp]> = [
    ['bad YAML syntax', () => SAMPLE.replace('  - { label: This computer', ' - { label: This computer'), undefined, /^YAML syntax error at line 5, column 3: All sequence items must start at the same column$/],
    ['bad JSON syntax', () => '{\n  "version": 1,\n  "profile" {}\n}', undefined, /^JSON syntax error at line 3, column 13: Expected ':' after property name$/],
    ['truncated JSON', () => '{\n  "version": ', 'json', /^JSON syntax error at line 2, column 14: Unexpected end of JSON input$/],
    ['an unknown field', () => edit((doc) => (doc.services[1].colour = 'red')), undefined, /^services\.1: Unrecognized key: "colour"$/],
    ['a bad phone number', () => edit((doc) => (doc.profile.phone = '555-0123')), undefined, /^profile\.phone: must be a phone number in E\.164 form/],
    ['a bad contact address', () => edit((doc) => (doc.contactMethods[1].address = '0612')), undefined, /^contactMethods\.1\.address: must be a phone number in E\.164 form, such as \+14155550123 for a sms contact method$/],
    ['an unknown contact method', () => edit((doc) => (doc.notificationRules[1].contactMethod = 'Mobile')), undefined, /^notificationRules\.1\.contactMethod: no contact method labelled "Mobile" in contactMethods$/],
    ['an unknown escalation target', () => edit((doc) => (doc.escalationPolicies[0].levels[1].targets[0].contactMethod = 'Bob')), undefined, /^escalationPolicies\.0\.levels\.1\.targets\.0\.contactMethod: no contact method labelled "Bob" in contactMethods$/],
    ['duplicate labels', () => edit((doc) => (doc.contactMethods[2].label = 'This computer')), undefined, /^contactMethods\.2\.label: must be unique: "This computer" is also the label of contactMethods\.0/],
    ['duplicate service names', () => edit((doc) => (doc.services[1].name = 'Blog')), undefined, /^services\.1\.name: must be unique: "Blog" is also the name of services\.0$/],
    ['repeatCount 10', () => edit((doc) => (doc.escalationPolicies[0].repeatCount = 10)), undefined, /^escalationPolicies\.0\.repeatCount: must be 0 to 9/],
    ['an unknown time zone', () => edit((doc) => (doc.profile.timeZone = 'Mars/Olympus')), undefined, /^profile\.timeZone: must be an IANA time zone/],
    ['a missing policy on the second service', () => edit((doc) => (doc.services[1].escalationPolicy = 'Nope')), undefined, /^services\.1\.escalationPolicy: no escalation policy named "Nope" in escalationPolicies$/],
    ['an SMS gateway that is not http(s)', () => edit((doc) => (doc.channels.sms.url = 'ftp://gateway')), undefined, /^channels\.sms\.url: must be an http\(s\) URL$/],
    ['an unknown channel', () => edit((doc) => (doc.channels.fax = { url: 'http://x' })), undefined, /^channels: Unrecognized key: "fax"$/],
    ['another format version', () => edit((doc) => (doc.version = 2)), undefined, /^version: must be 1/],
    ['an empty file', () => '', undefined, /^\(input\): /],
  ];

  it.each(cases)('rejects %s, naming the field and the rule', (_name, text, format, message) => {
    const exported = exportConfig(store, 'yaml');
    const rows = dump(store);
    const err = caught(() => importConfig(store, text(), format));
    expect(err.code).toBe('invalid_input');
    expect(err.message).toMatch(message);
    expect(err.issues?.length).toBeGreaterThan(0);
    expect(exportConfig(store, 'yaml')).toBe(exported);
    expect(dump(store)).toBe(rows);
  });

  it('rolls back a failure in the middle of applying the file', () => {
    const exported = exportConfig(store, 'yaml');
    const rows = dump(store);
    // The file is valid; the database refuses the second new service after everything before it was written.
    store.db.exec(`CREATE TRIGGER refuse_boom BEFORE INSERT ON services WHEN NEW.name = 'Boom' BEGIN SELECT RAISE(ABORT, 'boom refused'); END`);
    const text = edit((doc) => {
      doc.profile.name = 'Grace';
      doc.contactMethods.push({ label: 'Pager', type: 'webhook', address: 'https://example.com/hook' });
      doc.notificationRules = [{ urgency: 'high', startDelayMinutes: 1, contactMethod: 'Pager' }];
      doc.escalationPolicies[0].repeatCount = 0;
      doc.services[0].ackTimeoutMinutes = 5;
      doc.services.push({ name: 'Wiki', escalationPolicy: 'Default' }, { name: 'Boom', escalationPolicy: 'Quiet' });
      delete doc.channels;
    });
    expect(() => importConfig(store, text)).toThrow(/boom refused/);
    expect(exportConfig(store, 'yaml')).toBe(exported);
    expect(dump(store)).toBe(rows);
  });

  it('applyConfig validates an object that did not come from parseConfig', () => {
    const rows = dump(store);
    const config = parseConfig(SAMPLE);
    const err = caught(() => applyConfig(store, { ...config, services: [{ ...config.services[0]!, escalationPolicy: 'Nope' }] }));
    expect(err.message).toBe('services.0.escalationPolicy: no escalation policy named "Nope" in escalationPolicies');
    expect(dump(store)).toBe(rows);
  });
});

describe('parseConfig', () => {
  it('guesses JSON from a leading brace and fills in defaults', () => {
    const config = parseConfig(' {"version": 1, "profile": {"name": "", "email": "", "phone": "", "timeZone": "UTC"}, "escalationPolicies": [{"name": "P", "levels": [{"delayMinutes": 5, "targets": [{"kind": "me"}]}]}], "services": [{"name": "S", "escalationPolicy": "P"}]}');
    expect(config.contactMethods).toEqual([]);
    expect(config.channels).toEqual({});
    expect(config.escalationPolicies[0]).toMatchObject({ description: '', repeatCount: 0 });
    expect(config.services[0]).toMatchObject({ urgencyRule: { type: 'constant', urgency: 'high' }, ackTimeoutMinutes: 30, autoResolveMinutes: 240, maintenanceWindows: [], enabled: true });
  });

  it('says when a YAML file holds several documents', () => {
    expect(() => parseConfig('version: 1\n---\nversion: 1\n')).toThrow(/^YAML syntax error at line 2, column 1: the file must hold one YAML document$/);
  });
});

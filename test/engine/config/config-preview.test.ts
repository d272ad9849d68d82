/**
 * config.preview: what importing a file would change, section by section, and where it would send
 * to anew, with nothing written; bad input gets the same 400 as config.import.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { exportConfig, importConfig } from '../../../electron/engine/config/config-file.ts';
import { DESTINATION_NOTE, previewConfig } from '../../../electron/engine/config/config-preview.ts';
import { startHeadless, type HeadlessServer } from '../../../electron/engine/headless/server.ts';
import { ConfigRepo } from '../../../electron/engine/store/config-repo.ts';
import { Store } from '../../../electron/engine/store/database.ts';
import { ConfigPreviewSections, type ConfigEntryChange, type ConfigPreview } from '../../../electron/shared/api.ts';
import { ApiError } from '../../../electron/shared/errors.ts';
import { api, snapshot, tempDir } from '../../helpers/headless.ts';

const SAMPLE = `version: 1
profile: { name: Ada, email: ada@example.com, phone: "+14155550123", timeZone: Europe/Paris }
contactMethods:
  - { label: This computer, type: desktop, address: "" }
  - { label: Mobile (SMS), type: sms, address: "+14155550123" }
  - { label: Team Slack, type: slack, address: "https://hooks.slack.com/services/T0/B0/abc", secretRef: slack-signing }
  - { label: Sam (email), type: email, address: sam@example.com }
notificationRules:
  - { urgency: high, startDelayMinutes: 0, contactMethod: This computer }
  - { urgency: high, startDelayMinutes: 5, contactMethod: Mobile (SMS) }
  - { urgency: low, startDelayMinutes: 0, contactMethod: This computer }
escalationPolicies:
  - name: Default
    repeatCount: 2
    levels:
      - { delayMinutes: 15, targets: [ { kind: me } ] }
      - { delayMinutes: 15, targets: [ { kind: contact, contactMethod: Team Slack } ] }
  - name: Quiet
    levels:
      - { delayMinutes: 30, targets: [ { kind: contact, contactMethod: Sam (email) } ] }
services:
  - { name: Blog, escalationPolicy: Default }
  - { name: Shop, escalationPolicy: Quiet }
  - { name: Wiki, escalationPolicy: Default }
monitors:
  - { name: Blog up, kind: http, service: Blog, config: { url: "https://blog.example.com/" } }
  - { name: Shop port, kind: tcp, service: Shop, config: { host: shop.example.com, port: 443 } }
  - { name: Nightly backup, kind: heartbeat, service: Blog, config: { periodSeconds: 86400 } }
channels:
  sms: { provider: webhook, url: "http://127.0.0.1:8080/sms" }
  ntfy: { server: "https://ntfy.example.com" }
`;

/** edit parses SAMPLE, lets a test change it, and gives it back as YAML. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the tests reshape the file freely
function edit(change: (doc: Record<string, any>) => void): string {
  const doc = YAML.parse(SAMPLE);
  change(doc);
  return YAML.stringify(doc);
}

/** changes lists a section's entries as "change name (fields)", to compare at a glance. */
function changes(list: ConfigEntryChange[]): string[] {
  return list.map((c) => `${c.change} ${c.name}${c.fields ? ` (${c.fields.join(', ')})` : ''}`);
}

function everything(p: ConfigPreview): ConfigEntryChange[] {
  return [p.profile, p.monitoring, ...ConfigPreviewSections.flatMap((s) => p[s])];
}

/** state is the whole database and its export, to show a preview wrote nothing. */
function state(store: Store): string {
  return JSON.stringify([exportConfig(store, 'yaml'), snapshot(store.db)]);
}

function addIncident(store: Store, serviceId: number): void {
  store.db
    .prepare(
      `INSERT INTO incidents (number, title, service_id, urgency, status, dedup_key, created_at, escalation_level, escalation_round, cycle, alert_count, details_json, updated_at)
       VALUES ((SELECT COALESCE(MAX(number), 0) + 1 FROM incidents), 'Down', ?, 'high', 'triggered', 'k', 0, 0, 0, 0, 1, '{}', 0)`,
    )
    .run(serviceId);
}

let store: Store;

beforeEach(() => {
  store = new Store(':memory:');
  importConfig(store, SAMPLE);
});
afterEach(() => store.close());

describe('previewConfig', () => {
  it('previews an export of the database as keeping everything, with no destination changed', () => {
    for (const format of ['yaml', 'json'] as const) {
      const p = previewConfig(store, exportConfig(store, format));
      expect(everything(p).filter((c) => c.change !== 'keep')).toEqual([]);
      expect(p.destinations).toEqual([]);
      expect(changes(p.services)).toEqual(['keep Blog', 'keep Shop', 'keep Wiki']);
    }
  });

  it('reports adds, updates and removes in every section, naming the changed fields', () => {
    const text = edit((doc) => {
      doc.profile.timeZone = 'UTC';
      doc.contactMethods.push({ label: 'Pager', type: 'webhook', address: 'https://pager.example.com/hook' });
      doc.contactMethods = doc.contactMethods.filter((c: { label: string }) => c.label !== 'Sam (email)');
      doc.notificationRules[1].startDelayMinutes = 10;
      doc.notificationRules.push({ urgency: 'low', startDelayMinutes: 30, contactMethod: 'Pager' });
      doc.escalationPolicies[0].repeatCount = 1;
      doc.escalationPolicies[0].levels[1].targets = [{ kind: 'contact', contactMethod: 'Pager' }];
      doc.escalationPolicies = doc.escalationPolicies.filter((p: { name: string }) => p.name !== 'Quiet');
      doc.services = [
        { name: 'Blog', escalationPolicy: 'Default', description: 'My blog', ackTimeoutMinutes: 5 },
        { name: 'Wiki', escalationPolicy: 'Default' },
        { name: 'Status page', escalationPolicy: 'Default' },
      ];
      doc.monitors = [
        { name: 'Blog up', kind: 'http', service: 'Blog', config: { url: 'https://blog.example.com/health' }, retries: 4 },
        { name: 'Nightly backup', kind: 'heartbeat', service: 'Blog', config: { periodSeconds: 86400 } },
        { name: 'Wiki up', kind: 'http', service: 'Wiki', config: { url: 'https://wiki.example.com/' } },
      ];
      doc.channels = { sms: doc.channels.sms, delivery: { retries: 1 } };
      doc.monitoring = { rawRetentionDays: 30 };
    });
    const p = previewConfig(store, text);

    expect(p.profile).toEqual({ name: 'profile', change: 'update', fields: ['timeZone'] });
    expect(changes(p.contactMethods)).toEqual(['keep This computer', 'keep Mobile (SMS)', 'keep Team Slack', 'add Pager', 'remove Sam (email)']);
    expect(changes(p.notificationRules)).toEqual([
      'keep high urgency, at once: This computer',
      'add high urgency, after 10 min: Mobile (SMS)',
      'keep low urgency, at once: This computer',
      'add low urgency, after 30 min: Pager',
      'remove high urgency, after 5 min: Mobile (SMS)',
    ]);
    expect(changes(p.escalationPolicies)).toEqual(['update Default (repeatCount, levels)', 'remove Quiet']);
    expect(changes(p.services)).toEqual(['update Blog (description, ackTimeoutMinutes)', 'keep Wiki', 'add Status page', 'remove Shop']);
    expect(changes(p.monitors)).toEqual(['update Blog up (config.url, retries)', 'keep Nightly backup', 'add Wiki up', 'remove Shop port']);
    expect(changes(p.channels)).toEqual(['keep sms', 'remove ntfy', 'add delivery']);
    expect(p.monitoring).toEqual({ name: 'monitoring', change: 'update', fields: ['rawRetentionDays'] });
    expect(p.destinations).toEqual([]);
  });

  it('says what import then does: kept entries keep their ids, removed ones go, added ones come', () => {
    const repo = new ConfigRepo(store);
    const text = edit((doc) => {
      doc.contactMethods = doc.contactMethods.filter((c: { label: string }) => c.label !== 'Sam (email)');
      doc.contactMethods.push({ label: 'Pager', type: 'webhook', address: 'https://pager.example.com/hook' });
      doc.escalationPolicies = doc.escalationPolicies.filter((p: { name: string }) => p.name !== 'Quiet');
      doc.services = doc.services.filter((s: { name: string }) => s.name !== 'Shop');
      doc.services[0].ackTimeoutMinutes = 7;
      doc.monitors = doc.monitors.filter((m: { service: string }) => m.service !== 'Shop');
    });
    const p = previewConfig(store, text);
    const before = new Map(repo.listContactMethods().map((c) => [c.label, c.id]));
    importConfig(store, text);
    const after = new Map(repo.listContactMethods().map((c) => [c.label, c.id]));
    for (const c of p.contactMethods) {
      if (c.change === 'remove') expect(after.has(c.name), c.name).toBe(false);
      else if (c.change === 'add') expect([before.has(c.name), after.has(c.name)], c.name).toEqual([false, true]);
      else expect(after.get(c.name), c.name).toBe(before.get(c.name));
    }
    expect(repo.listServices().map((s) => s.name)).toEqual(p.services.filter((s) => s.change !== 'remove').map((s) => s.name));
    expect(repo.listEscalationPolicies().map((x) => x.name)).toEqual(p.escalationPolicies.filter((x) => x.change !== 'remove').map((x) => x.name));
    // Once imported, the same file changes nothing more.
    expect(everything(previewConfig(store, text)).filter((c) => c.change !== 'keep')).toEqual([]);
  });

  it('reports a re-pointed Slack contact method and SMS gateway URL as destination changes, with the note on secrets', () => {
    const text = edit((doc) => {
      doc.contactMethods[2].address = 'https://attacker.example/collect';
      doc.channels.sms.url = 'https://attacker.example/sms';
      doc.channels.ntfy = {};
      doc.channels.twilio = { accountSid: `AC${'1'.repeat(32)}`, from: '+14155550100', baseUrl: 'https://twilio.attacker.example' };
      doc.contactMethods.push({ label: 'New hook', type: 'webhook', address: 'https://hooks.example.com/x', secretRef: 'slack-signing' });
    });
    const p = previewConfig(store, text);
    expect(p.destinations.map(({ note, ...d }) => (expect(note).toBe(DESTINATION_NOTE), d))).toEqual([
      { section: 'contactMethods', name: 'Team Slack', field: 'address', from: 'https://hooks.slack.com/services/T0/B0/…', to: 'https://attacker.example/collect' },
      { section: 'contactMethods', name: 'New hook', field: 'address', from: null, to: 'https://hooks.example.com/x' },
      { section: 'channels', name: 'sms', field: 'url', from: 'http://127.0.0.1:8080/sms', to: 'https://attacker.example/sms' },
      { section: 'channels', name: 'twilio', field: 'accountSid', from: null, to: `AC${'1'.repeat(32)}` },
      { section: 'channels', name: 'twilio', field: 'baseUrl', from: null, to: 'https://twilio.attacker.example' },
      { section: 'channels', name: 'ntfy', field: 'server', from: 'https://ntfy.example.com', to: null },
    ]);
    expect(p.contactMethods.find((c) => c.name === 'Team Slack')).toEqual({ name: 'Team Slack', change: 'update', fields: ['address'] });
    expect(p.channels.find((c) => c.name === 'sms')).toEqual({ name: 'sms', change: 'update', fields: ['url'] });
    // A contact method that changes type is reached another way, too.
    const retyped = previewConfig(store, edit((doc) => (doc.contactMethods[1].type = 'voice')));
    expect(retyped.destinations.map((d) => `${d.name}.${d.field}: ${d.from} -> ${d.to}`)).toEqual(['Mobile (SMS).type: sms -> voice']);
  });

  it('says a removed service with incidents is disabled, not removed, and keeps what it needs', () => {
    const repo = new ConfigRepo(store);
    addIncident(store, repo.listServices().find((s) => s.name === 'Shop')!.id);
    const text = edit((doc) => {
      doc.services = doc.services.filter((s: { name: string }) => s.name !== 'Shop');
      doc.escalationPolicies = doc.escalationPolicies.filter((p: { name: string }) => p.name !== 'Quiet');
      doc.contactMethods = doc.contactMethods.filter((c: { label: string }) => c.label !== 'Sam (email)');
      doc.monitors = doc.monitors.filter((m: { service: string }) => m.service !== 'Shop');
    });
    const p = previewConfig(store, text);
    expect(p.services.find((s) => s.name === 'Shop')).toEqual({ name: 'Shop', change: 'update', fields: ['enabled'], note: 'not in the file, but it has incidents: disabled rather than removed, so its history stays' });
    expect(p.escalationPolicies.find((x) => x.name === 'Quiet')).toEqual({ name: 'Quiet', change: 'keep', note: 'not in the file, but kept: disabled service "Shop" still uses it' });
    expect(p.contactMethods.find((c) => c.name === 'Sam (email)')).toMatchObject({ change: 'keep', note: expect.stringContaining('escalation policy "Quiet"') });

    importConfig(store, text);
    expect(repo.listServices().find((s) => s.name === 'Shop')?.enabled).toBe(false);
    expect(repo.listContactMethods().map((c) => c.label)).toContain('Sam (email)');
    expect(previewConfig(store, text).services.find((s) => s.name === 'Shop')).toMatchObject({ change: 'keep' });
  });

  it('counts a heartbeat ping key that would change', () => {
    const withKey = edit((doc) => (doc.monitors[2].config.pingKey = '5bf66975-d4c7-4bf5-bcc8-b8d8a82ea278'));
    expect(previewConfig(store, withKey).monitors.find((m) => m.name === 'Nightly backup')).toEqual({ name: 'Nightly backup', change: 'update', fields: ['pingKey'] });
    importConfig(store, withKey);
    expect(previewConfig(store, withKey).monitors.find((m) => m.name === 'Nightly backup')?.change).toBe('keep');
    expect(previewConfig(store, SAMPLE).monitors.find((m) => m.name === 'Nightly backup')?.change).toBe('keep');
  });

  it('changes nothing in the database', () => {
    const before = state(store);
    const text = edit((doc) => {
      doc.profile.name = 'Grace';
      doc.contactMethods[2].address = 'https://attacker.example/collect';
      doc.services = [];
      doc.escalationPolicies = [];
      doc.notificationRules = [];
      doc.monitors = [];
      delete doc.channels;
    });
    previewConfig(store, text);
    previewConfig(store, exportConfig(store, 'json'));
    expect(state(store)).toBe(before);
  });

  it('refuses bad input exactly as import does, changing nothing', () => {
    const bad: Array<[string, 'yaml' | 'json' | undefined]> = [
      [SAMPLE.replace('  - { label: This computer', ' - { label: This computer'), undefined],
      ['{\n  "version": 1,\n  "profile" {}\n}', undefined],
      [edit((doc) => (doc.notificationRules[1].contactMethod = 'Mobile')), undefined],
      [edit((doc) => (doc.channels.sms.url = 'ftp://gateway')), undefined],
      [edit((doc) => (doc.monitors[0].config = { url: 'ftp://blog' })), undefined],
      ['a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: [*d, *d, *d, *d, *d, *d, *d, *d, *d]', 'yaml'],
      [`${'['.repeat(100)}${']'.repeat(100)}`, 'json'],
    ];
    const before = state(store);
    for (const [text, format] of bad) {
      const errors = [() => previewConfig(store, text, format), () => importConfig(store, text, format)].map((fn) => {
        try {
          fn();
        } catch (err) {
          return err;
        }
        throw new Error(`expected ${text.slice(0, 40)} to be refused`);
      });
      expect(errors[0]).toBeInstanceOf(ApiError);
      expect(errors[0]).toEqual(errors[1]);
      expect((errors[0] as ApiError).code).toBe('invalid_input');
    }
    expect(state(store)).toBe(before);
  });
});

describe('config.preview over HTTP', () => {
  const TOKEN = 'config-preview-test-token';
  let s: HeadlessServer;
  beforeAll(async () => {
    s = await startHeadless({ dataDir: tempDir(), port: 0, host: '127.0.0.1', token: TOKEN, log: () => {} });
    await s.engine.invoke('config.import', { text: SAMPLE });
  });
  afterAll(() => s.close());

  it('answers the preview and writes nothing; bad input gets the same 400 as config.import', async () => {
    const before = snapshot(s.engine.store.db);
    const text = edit((doc) => (doc.channels.sms.url = 'https://attacker.example/sms'));
    const r = await api(s.url, TOKEN, 'config.preview', { text });
    expect(r.status).toBe(200);
    expect(r.body.destinations).toEqual([{ section: 'channels', name: 'sms', field: 'url', from: 'http://127.0.0.1:8080/sms', to: 'https://attacker.example/sms', note: DESTINATION_NOTE }]);
    expect(snapshot(s.engine.store.db)).toEqual(before);

    for (const input of [{ text: '' }, { text: 'version: 2\n' }, { text: 'x: [[[', format: 'yaml' }, { text: `${'['.repeat(70)}${']'.repeat(70)}`, format: 'json' }, { text: 'a', extra: 1 }]) {
      const preview = await api(s.url, TOKEN, 'config.preview', input);
      const imported = await api(s.url, TOKEN, 'config.import', input);
      expect(preview.status, JSON.stringify(input)).toBe(400);
      expect(preview.body).toEqual(imported.body);
    }
    expect(snapshot(s.engine.store.db)).toEqual(before);
  });
});

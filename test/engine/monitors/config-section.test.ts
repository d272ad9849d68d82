/** Monitors in the configuration file: import, export, round trip, errors naming the field, heartbeat keys never exported. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { exportConfig, importConfig } from '../../../electron/engine/config/config-file.ts';
import { hashPingKey } from '../../../electron/engine/monitors/heartbeats.ts';
import { MonitorRepo } from '../../../electron/engine/monitors/monitor-repo.ts';
import { Store } from '../../../electron/engine/store/database.ts';
import { ApiError } from '../../../electron/shared/errors.ts';

const KEY = '5bf66975-d4c7-4bf5-bcc8-b8d8a82ea278';
const FILE = `version: 1
profile: { name: Ada, email: "", phone: "", timeZone: Europe/Paris }
escalationPolicies:
  - { name: Default, levels: [ { delayMinutes: 15, targets: [ { kind: me } ] } ] }
services:
  - { name: Blog, escalationPolicy: Default }
  - { name: Backups, escalationPolicy: Default }
monitors:
  - name: Blog homepage
    kind: http
    service: Blog
    config: { url: "https://blog.example.com/", expectedStatus: ["200"], maxResponseMs: 500 }
    intervalSeconds: 30
  - { name: Web server daemon, kind: tcp, service: Blog, config: { host: 127.0.0.1, port: 443 } }
  - { name: Disk, kind: disk, service: Blog, config: { path: /, minFreePercent: 50 }, retries: 0 }
  - { name: Nightly backup, kind: heartbeat, service: Backups, config: { periodSeconds: 86400, graceSeconds: 3600, pingKey: "${KEY}" } }
monitoring:
  referenceTargets: [ { host: 1.1.1.1, port: 443 }, { host: 192.168.1.1, port: 80 } ]
  rawRetentionDays: 14
`;

let store: Store;
beforeEach(() => {
  store = new Store(':memory:');
});
afterEach(() => store.close());

function caught(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ApiError);
    return err as ApiError;
  }
  throw new Error('expected an error');
}

describe('monitors in the configuration file', () => {
  it('imports monitors with their services by name, and the monitoring settings', () => {
    expect(importConfig(store, FILE).monitors).toBe(4);
    const repo = new MonitorRepo(store);
    const monitors = repo.list();
    expect(monitors.map((m) => [m.name, m.kind, m.intervalSeconds, m.retries])).toEqual([
      ['Blog homepage', 'http', 30, 2], ['Disk', 'disk', 60, 0], ['Nightly backup', 'heartbeat', 60, 2], ['Web server daemon', 'tcp', 60, 2],
    ]);
    const hb = monitors.find((m) => m.kind === 'heartbeat')!;
    expect(hb.config).toEqual({ periodSeconds: 86400, graceSeconds: 3600 });
    expect(repo.idByPingKeyHash(hashPingKey(KEY))).toBe(hb.id);
    expect(repo.settings()).toEqual({ referenceTargets: [{ host: '1.1.1.1', port: 443 }, { host: '192.168.1.1', port: 80 }], rawRetentionDays: 14, concurrency: 100 });
  });

  it('exports monitors without their ping keys, and the export imports back to the same export', () => {
    importConfig(store, FILE);
    const yaml = exportConfig(store, 'yaml');
    expect(yaml).not.toContain(KEY);
    const doc = YAML.parse(yaml);
    expect(doc.monitors[0]).toEqual({
      name: 'Blog homepage', kind: 'http', service: 'Blog', intervalSeconds: 30,
      config: { url: 'https://blog.example.com/', method: 'GET', headers: {}, expectedStatus: ['200'], followRedirects: true, maxRedirects: 10, ignoreTlsErrors: false, maxResponseMs: 500, slowIs: 'degraded' },
    });
    expect(doc.monitoring.rawRetentionDays).toBe(14);
    const ids = new MonitorRepo(store).list().map((m) => m.id);
    for (const format of ['yaml', 'json'] as const) {
      const text = exportConfig(store, format);
      importConfig(store, text, format);
      expect(exportConfig(store, format)).toBe(text);
    }
    // Matched by name: same ids (history and state stay), and the heartbeat keeps its key.
    const repo = new MonitorRepo(store);
    expect(repo.list().map((m) => m.id)).toEqual(ids);
    expect(repo.idByPingKeyHash(hashPingKey(KEY))).toBeDefined();
  });

  it('deletes monitors the file no longer holds', () => {
    importConfig(store, FILE);
    const doc = YAML.parse(FILE);
    doc.monitors = doc.monitors.slice(0, 1);
    importConfig(store, YAML.stringify(doc));
    expect(new MonitorRepo(store).list().map((m) => m.name)).toEqual(['Blog homepage']);
  });

  it('rejects a bad monitor naming the field and the rule, and changes nothing', () => {
    importConfig(store, FILE);
    const before = JSON.stringify(store.db.prepare('SELECT * FROM monitors ORDER BY id').all());
    const cases: Array<[(doc: Record<string, any>) => void, string, RegExp]> = [ // eslint-disable-line @typescript-eslint/no-explicit-any
      [(d) => (d.monitors[0].config.url = 'ftp://blog'), 'monitors.0.config.url', /must be an http\(s\) URL/],
      [(d) => (d.monitors[1].service = 'Shop'), 'monitors.1.service', /no service named "Shop" in services/],
      [(d) => (d.monitors[2].kind = 'smtp'), 'monitors.2.kind', /must be one of http, tcp/],
      [(d) => (d.monitors[1].name = 'Disk'), 'monitors.2.name', /must be unique/],
      [(d) => (d.monitors[0].intervalSeconds = 5), 'monitors.0.intervalSeconds', /10 to 86400 seconds/],
      [(d) => (d.monitors[3].config.pingKey = 'secret'), 'monitors.3.config.pingKey', /must be a UUID/],
      [(d) => d.monitors.push({ ...d.monitors[3], name: 'Twin' }), 'monitors.4.config.pingKey', /must be unique/],
      [(d) => (d.monitoring.referenceTargets[0].port = 0), 'monitoring.referenceTargets.0.port', /1 to 65535/],
    ];
    for (const [change, path, rule] of cases) {
      const doc = YAML.parse(FILE);
      change(doc);
      const err = caught(() => importConfig(store, YAML.stringify(doc)));
      expect(err.issues!.map((i) => i.path), `${path}: ${err.message}`).toContain(path);
      expect(err.message).toMatch(rule);
    }
    expect(JSON.stringify(store.db.prepare('SELECT * FROM monitors ORDER BY id').all())).toBe(before);
  });

  it('leaves the file without monitor sections when there are none', () => {
    const yaml = exportConfig(store, 'yaml');
    expect(yaml).not.toMatch(/^monitors:|^monitoring:/m);
  });
});

/**
 * A monitor list row (`monitors.rows`, electron/shared/monitor-rows.ts) carries only the settings
 * that say what a monitor watches: whatever the list shows of any monitor type must be among them.
 */
import { describe, expect, it } from 'vitest';
import { builtinMonitorTypes } from '../../electron/engine/monitors/registry.ts';
import { monitorRow, ROW_CONFIG_KEYS } from '../../electron/shared/monitor-rows.ts';
import type { MonitorView } from '../../electron/shared/monitor-schemas.ts';
import { monitorTarget } from '../../renderer/src/lib/monitor-format.ts';

const view = (kind: string, config: Record<string, unknown>): MonitorView => ({
  id: 7, name: 'Blog', kind, serviceId: 2, config, intervalSeconds: 60, timeoutSeconds: 10, retries: 2, retryIntervalSeconds: 20, recoveryChecks: 1,
  flapping: { changes: 4, windowMinutes: 60 }, severity: 'critical', resolveOnRecovery: true, enabled: true, status: 'down', statusSince: '2026-12-05T01:00:00.000Z',
  confirming: true, isFlapping: false, paused: false, pausedUntil: null, pingPath: '/ping/secret',
  lastCheck: { at: '2026-12-05T01:00:00.000Z', status: 'down', latencyMs: null, phases: { dns: 1, tcp: 1, tls: null, firstByte: null, download: null, total: 2 }, message: 'HTTP 500', details: { statusCode: 500 } },
});

describe('monitor list rows', () => {
  it('carry, of every monitor type, each setting the list reads to say what it watches', () => {
    for (const kind of builtinMonitorTypes().kinds()) {
      const read = new Set<string>();
      // Every setting has a value, then none (so that "this or else that" reads both); the list's words for the monitor note which ones they read.
      const settings = (set: boolean) =>
        new Proxy({} as Record<string, unknown>, {
          get: (_, k) => {
            read.add(String(k));
            return !set ? undefined : k === 'port' || k === 'periodSeconds' ? 300 : `${String(k)}-value`;
          },
        });
      const config = settings(true);
      monitorTarget({ kind, config });
      monitorTarget({ kind, config: settings(false) });
      expect([...read].filter((k) => !(ROW_CONFIG_KEYS as readonly string[]).includes(k)), kind).toEqual([]);
      const full = Object.fromEntries([...read].map((k) => [k, config[k]]));
      expect(monitorTarget(monitorRow(view(kind, { ...full, headers: { authorization: 'x' }, expectedStatus: ['200-299'] }))), kind).toBe(monitorTarget({ kind, config: full }));
    }
  });

  it('leave out the other settings, the ping path and the last check\'s phases and details', () => {
    const row = monitorRow(view('http', { url: 'https://blog.example/', method: 'GET', headers: { authorization: 'Bearer x' }, expectedStatus: ['200-299'], followRedirects: true }));
    expect(row).toEqual({
      id: 7, name: 'Blog', kind: 'http', serviceId: 2, config: { url: 'https://blog.example/', method: 'GET' }, enabled: true, status: 'down',
      confirming: true, isFlapping: false, paused: false, lastCheck: { at: '2026-12-05T01:00:00.000Z', status: 'down', latencyMs: null, message: 'HTTP 500' },
    });
    expect(monitorRow({ ...view('disk', { path: '/' }), lastCheck: null }).lastCheck).toBeNull();
  });
});

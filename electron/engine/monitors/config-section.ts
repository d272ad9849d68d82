/**
 * Monitors in the configuration file: each names its service, and its `config` is checked against
 * its monitor type at import. An import makes the monitors equal to the file's, matched by name
 * (a matched monitor keeps its id, history and state). Heartbeat ping keys are secrets: they are
 * never exported; an imported `pingKey` is stored hashed, and a heartbeat without one keeps its key.
 */
import type { ConfigFile } from '../../shared/config-file.ts';
import { ApiError } from '../../shared/errors.ts';
import { MonitorFields, type MonitorInput } from '../../shared/monitor-schemas.ts';
import { ConfigRepo } from '../store/config-repo.ts';
import type { Store } from '../store/database.ts';
import { prepareMonitor } from './monitor-api.ts';
import { MonitorRepo } from './monitor-repo.ts';
import { builtinMonitorTypes } from './registry.ts';

const types = builtinMonitorTypes();

/** checkMonitorConfigs validates each monitor's config against its type, and that no two heartbeats share a key. */
export function checkMonitorConfigs(file: ConfigFile): void {
  const keys = new Map<string, number>();
  file.monitors.forEach((m, i) => {
    const config = types.parseConfig(m.kind, m.config, `monitors.${i}.config`, `monitors.${i}.kind`);
    const key = typeof config.pingKey === 'string' ? config.pingKey.toLowerCase() : undefined;
    if (key === undefined) return;
    const first = keys.get(key);
    if (first !== undefined) throw new ApiError('invalid_input', `monitors.${i}.config.pingKey: must be unique: monitors.${first} has the same key`, [{ path: `monitors.${i}.config.pingKey`, message: 'must be unique' }]);
    keys.set(key, i);
  });
}

/** applyMonitors makes the stored monitors and monitoring settings equal to the file's (inside the caller's transaction). */
export function applyMonitors(store: Store, file: ConfigFile, now: number): void {
  const repo = new MonitorRepo(store);
  const serviceIds = new Map(new ConfigRepo(store).listServices().map((s) => [s.name, s.id]));
  const wanted = new Set(file.monitors.map((m) => m.name));
  const existing = new Map<string, ReturnType<MonitorRepo['list']>[number]>();
  for (const m of repo.list()) {
    if (wanted.has(m.name)) existing.set(m.name, m);
    else repo.delete(m.id);
  }
  file.monitors.forEach((m, i) => {
    const { service, ...rest } = m;
    const serviceId = serviceIds.get(service);
    if (serviceId === undefined) throw new ApiError('invalid_input', `monitors.${i}.service: no service named "${service}"`, [{ path: `monitors.${i}.service`, message: `no service named "${service}"` }]);
    const input: MonitorInput = { ...rest, serviceId };
    const old = existing.get(m.name);
    const p = prepareMonitor(types, repo, input, `monitors.${i}.`, old);
    if (old) repo.update(old.id, p.input, p.hash, `monitors.${i}.`);
    else repo.create(p.input, p.hash ?? null, now);
  });
  repo.setSettings(file.monitoring);
}

/** monitorsDocument is the monitors as the file writes them: services by name, settings left at their defaults omitted. */
export function monitorsDocument(store: Store): { monitors: Array<Record<string, unknown>>; monitoring: Record<string, unknown> } {
  const repo = new MonitorRepo(store);
  const serviceNames = new Map(new ConfigRepo(store).listServices().map((s) => [s.id, s.name]));
  const defaults = MonitorFields.parse({ name: 'x', kind: 'http', serviceId: 1 }) as Record<string, unknown>;
  const monitors = repo
    .list()
    .sort((a, b) => a.id - b.id)
    .map((m) => {
      const doc: Record<string, unknown> = { name: m.name, kind: m.kind, service: serviceNames.get(m.serviceId) ?? `#${m.serviceId}`, config: m.config };
      for (const [k, v] of Object.entries(m)) {
        if (k in defaults && !['name', 'kind', 'serviceId', 'config'].includes(k) && JSON.stringify(v) !== JSON.stringify(defaults[k])) doc[k] = v;
      }
      return doc;
    });
  return { monitors, monitoring: { ...repo.settings() } };
}

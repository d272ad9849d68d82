/**
 * The API contract's monitor methods: create, change, pause and delete monitors, read their
 * results and uptime, and pause all monitoring. Input arrives validated against the contract; the
 * monitor type's own settings are validated here, so errors name `config.<field>`. A heartbeat's
 * ping key is kept in the secret store (the database has only its hash), so its URL can be shown
 * again; where the store cannot keep it, it is shown once.
 */
import type { ApiArgs, ApiMethod, ApiOutputs } from '../../shared/api.ts';
import { ApiError } from '../../shared/errors.ts';
import type { CheckMark, MonitorInput, MonitorView } from '../../shared/monitor-schemas.ts';
import { monitorRow } from '../../shared/monitor-rows.ts';
import type { SecretStore } from '../secrets/secret-store.ts';
import type { Store } from '../store/database.ts';
import { hashPingKey, newPingKey, pingKeyRef, pingPath } from './heartbeats.ts';
import type { MonitorRepo } from './monitor-repo.ts';
import type { MonitorTypeRegistry } from './registry.ts';
import { jsonObjectOfArray, type JsonText } from '../json-text.ts';
import { DAY } from './results.ts';
import type { Live, MonitorRunner } from './runner.ts';

/** LAST_CHECKS_SLICE is how many monitors' last checks `monitors.lastChecks` reads and writes in one turn of the event loop (about 10 ms on a 2-core machine). */
export const LAST_CHECKS_SLICE = 125;

/** MonitorMethod names the contract's monitor methods. */
export type MonitorMethod = Extract<ApiMethod, `monitors.${string}` | `monitoring.${string}`>;

type Handlers = { [M in MonitorMethod]: (args: ApiArgs<M>) => ApiOutputs[M] | Promise<ApiOutputs[M]> | (M extends 'monitors.lastChecks' ? Promise<JsonText> : never) };

/** PreparedMonitor is an input whose config passed its type's schema, with a heartbeat's key split off. */
interface PreparedMonitor {
  input: MonitorInput;
  /** pingKey is the new key to show (undefined: keep the stored one). */
  pingKey: string | undefined;
  /** hash is the key's SHA-256 to store: null for other kinds, undefined to keep. */
  hash: string | null | undefined;
}

/** prepareMonitor validates a monitor's config against its type and splits off a heartbeat's ping key. */
export function prepareMonitor(types: MonitorTypeRegistry, repo: MonitorRepo, v: MonitorInput, prefix: string, existing?: { kind: string; hasPingKey: boolean; id: number }): PreparedMonitor {
  const config = types.parseConfig(v.kind, v.config, `${prefix}config`, `${prefix}kind`);
  if (v.kind !== 'heartbeat') return { input: { ...v, config }, pingKey: undefined, hash: null };
  const { pingKey: given, ...rest } = config as { pingKey?: string };
  const keepOld = given === undefined && existing?.kind === 'heartbeat' && existing.hasPingKey;
  const pingKey = keepOld ? undefined : (given ?? newPingKey());
  const hash = pingKey === undefined ? undefined : hashPingKey(pingKey);
  if (hash !== undefined) {
    const owner = repo.idByPingKeyHash(hash);
    if (owner !== undefined && owner !== existing?.id) {
      throw new ApiError('invalid_input', `${prefix}config.pingKey: another heartbeat already uses this key`, [{ path: `${prefix}config.pingKey`, message: 'must be unique' }]);
    }
  }
  return { input: { ...v, config: rest }, pingKey, hash };
}

/** monitorHandlers are the monitor methods' handlers around a runner. */
export function monitorHandlers(runner: MonitorRunner, store: Store, now: () => number, secrets: SecretStore, log: (line: string) => void): Handlers {
  const emit = (m: MonitorView) => runner.emitMonitor(m);
  /** keep stores a new ping key; when it cannot, the URL is still answered, this once, with the reason. */
  const keep = async (live: Live, key: string): Promise<MonitorView> => {
    const view = runner.view(live, pingPath(key));
    try {
      await secrets.set(pingKeyRef(live.rec.id), key);
      return view;
    } catch (err) {
      log(`the ping key of monitor ${live.rec.id} could not be saved in the ${secrets.kind} secret store (${(err as Error).message}); its URL is shown once, now`);
      return { ...view, pingKeyError: `the ping key could not be saved in the ${secrets.kind} (${(err as Error).message}): copy the URL now, it is not shown again` };
    }
  };
  const shown = async (live: Live): Promise<MonitorView> => {
    if (live.rec.kind !== 'heartbeat' || !live.rec.hasPingKey) return runner.view(live);
    try {
      const key = await secrets.get(pingKeyRef(live.rec.id));
      // A key set since (by a configuration import) makes the kept one stale: show none rather than a dead URL.
      const current = key !== null && runner.repo.idByPingKeyHash(hashPingKey(key)) === live.rec.id;
      return runner.view(live, current ? pingPath(key) : null);
    } catch (err) {
      log(`the ping key of monitor ${live.rec.id} could not be read from the ${secrets.kind} secret store: ${(err as Error).message}`);
      return { ...runner.view(live), pingKeyError: `the ping URL cannot be shown: ${(err as Error).message}` };
    }
  };
  /** listed are the monitors (of one service, if given) by name. */
  const listed = (serviceId: number | undefined) =>
    runner
      .all()
      .filter((l) => serviceId === undefined || l.rec.serviceId === serviceId)
      .sort((x, y) => x.rec.name.localeCompare(y.rec.name));
  const find = (id: number) => {
    runner.repo.get(id);
    const live = runner.get(id);
    if (!live) throw new ApiError('conflict', `monitor ${id} cannot run: its type or settings are no longer valid; update or delete it`);
    return live;
  };
  const retentionMs = () => runner.repo.settings().rawRetentionDays * DAY;

  return {
    'monitors.types': () => runner.types.describe(),
    'monitors.list': (a) => Promise.all(listed(a.serviceId).map(shown)),
    // A row has no ping path: the keychain is not asked, for any heartbeat.
    'monitors.rows': (a) => listed(a.serviceId).map((l) => monitorRow(runner.view(l))),
    'monitors.get': (a) => shown(find(a.id)),
    'monitors.create': async (a) => {
      const p = prepareMonitor(runner.types, runner.repo, a, '');
      const rec = store.transaction(() => runner.repo.create(p.input, p.hash ?? null, now()));
      const live = runner.upsert(rec, true)!;
      const view = p.pingKey ? await keep(live, p.pingKey) : runner.view(live);
      emit(view);
      return view;
    },
    'monitors.update': async (a) => {
      const old = runner.repo.get(a.id);
      const p = prepareMonitor(runner.types, runner.repo, a.value, 'value.', old);
      const rec = store.transaction(() => runner.repo.update(a.id, p.input, p.hash));
      const live = runner.upsert(rec, true)!;
      const view = p.pingKey ? await keep(live, p.pingKey) : await shown(live);
      emit(view);
      return view;
    },
    'monitors.delete': async (a) => {
      const old = runner.repo.get(a.id);
      store.transaction(() => runner.repo.delete(a.id));
      runner.remove(a.id);
      runner.emitDeleted(a.id);
      if (old.hasPingKey) {
        try {
          await secrets.delete(pingKeyRef(a.id));
        } catch (err) {
          log(`monitor ${a.id} deleted, but its ping key could not be removed from the ${secrets.kind} secret store: ${(err as Error).message}`);
        }
      }
      return { deleted: true };
    },
    'monitors.pause': async (a) => {
      const live = find(a.id);
      const until = a.minutes === undefined ? null : now() + a.minutes * 60_000;
      store.transaction(() => runner.repo.setPaused(a.id, true, until));
      Object.assign(live.rec, { paused: true, pausedUntil: until });
      runner.scheduleOne(live, 0);
      const view = await shown(live);
      emit(view);
      return view;
    },
    'monitors.resume': async (a) => {
      const live = find(a.id);
      if (live.rec.paused) {
        store.transaction(() => runner.repo.setPaused(a.id, false, null));
        Object.assign(live.rec, { paused: false, pausedUntil: null });
        runner.restartJudgement(live);
        runner.freshStart(a.id);
        runner.scheduleOne(live, 0);
      }
      const view = await shown(live);
      emit(view);
      return view;
    },
    'monitors.rotatePingKey': async (a) => {
      const live = find(a.id);
      if (live.rec.kind !== 'heartbeat') throw new ApiError('conflict', `monitor "${live.rec.name}" is a ${live.rec.kind} monitor; only heartbeats have a ping key`);
      const key = newPingKey();
      store.transaction(() => runner.repo.setPingKeyHash(a.id, hashPingKey(key)));
      live.rec.hasPingKey = true;
      return keep(live, key);
    },
    'monitors.results': (a) => {
      runner.flush();
      runner.repo.get(a.id);
      return { results: runner.results.recent(a.id, a.limit, a.before === undefined ? undefined : Date.parse(a.before)) };
    },
    'monitors.uptime': (a) => {
      runner.flush();
      runner.repo.get(a.id);
      return { windows: runner.results.uptime(a.id, now(), retentionMs()) };
    },
    'monitors.uptimeAll': () => {
      runner.flush();
      return { monitors: runner.results.uptimeAll(now()) };
    },
    'monitors.uptimeFractions': () => {
      runner.flush();
      return runner.results.uptimeFractions(now());
    },
    'monitors.series': (a) => {
      runner.flush();
      runner.repo.get(a.id);
      return runner.results.series(a.id, a.window, now());
    },
    'monitors.lastChecks': async (a) => {
      runner.flush();
      const ids = runner.all().filter((l) => a.serviceId === undefined || l.rec.serviceId === a.serviceId).map((l) => l.rec.id);
      // At 2,000 monitors this reads 48,000 results, 4.5 MB as JSON: read and written in slices, with the
      // event loop's other work (checks, inbound events, pages) between them, not in one hold of a few
      // hundred milliseconds (docs/performance.md).
      const slices: string[] = [];
      const turn = () => new Promise<void>((resolve) => setImmediate(resolve));
      for (let i = 0; i < ids.length; i += LAST_CHECKS_SLICE) {
        if (i > 0) await turn();
        const slice: Array<{ monitorId: number; checks: CheckMark[] }> = ids.slice(i, i + LAST_CHECKS_SLICE).map((monitorId) => ({ monitorId, checks: runner.results.marks(monitorId, a.limit) }));
        slices.push(JSON.stringify(slice));
      }
      // The answer's writing, in a turn of its own.
      if (slices.length > 1) await turn();
      return jsonObjectOfArray('monitors', slices);
    },
    'monitoring.status': () => runner.status(),
    'monitoring.pauseAll': (a) => runner.pauseAll(a.minutes),
    'monitoring.resumeAll': () => runner.resumeAll(),
    'monitoring.settings': () => runner.repo.settings(),
    'monitoring.updateSettings': (a) => {
      const s = store.transaction(() => runner.repo.setSettings(a));
      runner.applySettings();
      return s;
    },
  };
}

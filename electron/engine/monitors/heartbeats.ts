/**
 * Heartbeat pings, as healthchecks.io defines them (https://healthchecks.io/docs/http_api/):
 * `/ping/<key>` (success), `/ping/<key>/start`, `/ping/<key>/fail` and `/ping/<key>/<exit-status>`
 * (0 is success, 1-255 failure). The key is the secret: the database keeps only its SHA-256.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { MonitorRepo } from './monitor-repo.ts';
import type { HeartbeatState } from './monitor-type.ts';

/** PingKind is what a ping reports. */
export type PingKind = 'success' | 'start' | 'fail';

/** Ping is one parsed ping. */
export interface Ping {
  kind: PingKind;
  exitStatus: number | null;
}

/** MAX_EXIT_STATUS is the largest exit status a ping may carry (healthchecks.io accepts 0-255). */
export const MAX_EXIT_STATUS = 255;

/** newPingKey makes a ping key: a random UUID, as healthchecks.io's check UUIDs. */
export function newPingKey(): string {
  return randomUUID();
}

/** hashPingKey is a key's lowercase hex SHA-256, as stored. */
export function hashPingKey(key: string): string {
  return createHash('sha256').update(key.toLowerCase(), 'utf8').digest('hex');
}

/** pingKeyRef names the secret-store entry that keeps a heartbeat's key, so the app can show its URL again. */
export function pingKeyRef(monitorId: number): string {
  return `standby.monitor.${monitorId}.ping-key`;
}

/** pingPath is the URL path a job calls. */
export function pingPath(key: string): string {
  return `/ping/${key}`;
}

/** parsePingAction reads the path suffix after the key: none, "start", "fail" or an exit status; undefined when it is none of those. */
export function parsePingAction(action: string | undefined): Ping | undefined {
  if (action === undefined || action === '') return { kind: 'success', exitStatus: null };
  if (action === 'start') return { kind: 'start', exitStatus: null };
  if (action === 'fail') return { kind: 'fail', exitStatus: null };
  if (/^\d{1,3}$/.test(action)) {
    const status = Number(action);
    if (status > MAX_EXIT_STATUS) return undefined;
    return { kind: status === 0 ? 'success' : 'fail', exitStatus: status };
  }
  return undefined;
}

/**
 * applyPing is the heartbeat's state after a ping at `now`: a success (or fail) is expected again
 * within period + grace; a start must be followed by a success within grace. A start after a failure
 * changes nothing the check judges (healthchecks.io's rule): the job stays failed until a run
 * succeeds, so a job that keeps failing keeps its one incident instead of resolving and paging again.
 */
export function applyPing(h: HeartbeatState, ping: Ping, now: number, periodMs: number, graceMs: number): HeartbeatState {
  if (ping.kind === 'start') {
    if (h.lastPingKind === 'fail') return { ...h, startedAt: now, expectedBy: now + graceMs };
    return { ...h, lastPingAt: now, lastPingKind: 'start', lastExitStatus: null, startedAt: now, expectedBy: now + graceMs };
  }
  return {
    lastPingAt: now,
    lastPingKind: ping.kind,
    lastExitStatus: ping.exitStatus,
    startedAt: null,
    expectedBy: now + periodMs + graceMs,
    lastDurationMs: h.startedAt !== null ? now - h.startedAt : h.lastDurationMs,
  };
}

/** regrace gives a heartbeat at least its grace time from now before it can be late (after a pause). */
export function regrace(repo: MonitorRepo, id: number, config: { graceSeconds: number }, now: number): void {
  const h = repo.heartbeat(id);
  const by = now + config.graceSeconds * 1000;
  if (h.expectedBy !== null && h.expectedBy < by) repo.saveHeartbeat(id, { ...h, expectedBy: by });
}

/** regraceHeartbeats gives heartbeat monitors (all, or the one with onlyId) their grace time from now. */
export function regraceHeartbeats(repo: MonitorRepo, lives: Iterable<{ rec: { id: number; kind: string }; config: unknown }>, now: number, onlyId?: number): void {
  for (const live of lives) {
    if (live.rec.kind === 'heartbeat' && (onlyId === undefined || live.rec.id === onlyId)) regrace(repo, live.rec.id, live.config as { graceSeconds: number }, now);
  }
}

/**
 * forgiveDowntime moves the heartbeat deadlines that were still ahead when Standby last ran (its newest
 * stored check in `lastChecks`) later by the time it was not running: pings could not arrive, as when
 * asleep. A deadline already passed then keeps its incident.
 */
export function forgiveDowntime(repo: MonitorRepo, lastChecks: ReadonlyMap<number, number>, now: number): void {
  let aliveAt = Number.NEGATIVE_INFINITY;
  for (const at of lastChecks.values()) aliveAt = Math.max(aliveAt, at);
  if (Number.isFinite(aliveAt) && now > aliveAt) repo.shiftHeartbeatDeadlines(now - aliveAt, aliveAt);
}

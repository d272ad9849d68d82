/**
 * Judgement's effects on incidents: a down monitor opens an incident on its service (dedup key
 * `monitor:<id>`, the failing check in its details and timeline), a recovery resolves it, and
 * flapping adds one alert to the open incident (or opens one) rather than paging on every change.
 */
import type { Severity, TriggerInput } from '../../shared/schemas.ts';
import type { IncidentEngine } from '../incidents/incident-engine.ts';
import type { JudgementEffect } from './judgement.ts';
import { errorText } from './monitor-type.ts';
import type { Live } from './runner.ts';

/** dedupKeyFor is the dedup key of a monitor's incidents. */
export function dedupKeyFor(monitorId: number): string {
  return `monitor:${monitorId}`;
}

/** targetOf names what a monitor watches, for an incident's source ("https://example.com", "db:5432"). */
export function targetOf(kind: string, config: Record<string, unknown>): string {
  if (typeof config.url === 'string') return config.url;
  if (typeof config.host === 'string') return `${config.host}:${String(config.port ?? '')}`;
  if (kind === 'dns' && typeof config.name === 'string') return `${String(config.recordType ?? 'A')} ${config.name}`;
  if (typeof config.name === 'string') return config.name;
  if (typeof config.pidFile === 'string') return config.pidFile;
  if (typeof config.path === 'string') return config.path;
  return kind;
}

function checkDetails(live: Live): Record<string, unknown> {
  const c = live.lastCheck;
  return {
    monitor: live.rec.name,
    monitorId: live.rec.id,
    kind: live.rec.kind,
    target: targetOf(live.rec.kind, live.rec.config),
    check: c ? { at: c.at, status: c.status, message: c.message, latencyMs: c.latencyMs, ...(c.phases ? { phases: c.phases } : {}), ...(c.details ?? {}) } : null,
  };
}

function phasesText(live: Live): string {
  const p = live.lastCheck?.phases;
  if (!p) return '';
  const parts = (['dns', 'tcp', 'tls', 'firstByte', 'download', 'total'] as const).filter((k) => p[k] !== null).map((k) => `${k} ${p[k]} ms`);
  return parts.length ? ` Timings: ${parts.join(', ')}.` : '';
}

/** applyIncidentEffects carries out judgement's effects; it records on the monitor whether its incident is open. */
export function applyIncidentEffects(lifecycle: IncidentEngine, live: Live, effects: JudgementEffect[], log: (line: string) => void): void {
  const { rec } = live;
  const dedupKey = dedupKeyFor(rec.id);
  const message = live.lastCheck?.message ?? 'no check result';
  const trigger = (title: string, severity: Severity) => {
    const input: TriggerInput = { serviceId: rec.serviceId, title, severity, dedupKey, source: targetOf(rec.kind, rec.config), details: checkDetails(live) };
    const r = lifecycle.trigger(input, 'monitor');
    if (r.status === 'suppressed') {
      log(`monitor "${rec.name}": no incident opened (${r.reason})`);
      return false;
    }
    if (r.status === 'created') lifecycle.act(r.incident.id, { type: 'note', actor: 'monitor', text: `Check failed at ${live.lastCheck?.at ?? 'an unknown time'}: ${message}.${phasesText(live)}` });
    return true;
  };
  for (const e of effects) {
    try {
      if (e.type === 'open') {
        rec.judgement = { ...rec.judgement, incidentOpen: trigger(`${rec.name} is down: ${message}`.slice(0, 1024), rec.severity) };
      } else if (e.type === 'flapping') {
        const title = `${rec.name} is flapping: ${e.changes} up/down changes in ${rec.flapping.windowMinutes} minutes`;
        rec.judgement = { ...rec.judgement, incidentOpen: trigger(title, rec.severity) || rec.judgement.incidentOpen };
      } else {
        // Wherever its incident is: the monitor may have moved to another service since it opened.
        lifecycle.resolveEverywhere(dedupKey, { type: 'resolve', actor: 'monitor', reason: `Resolved by the monitor: ${rec.name} recovered (${message})` });
      }
    } catch (err) {
      log(`monitor "${rec.name}": ${e.type} failed: ${errorText(err)}`);
      // No incident was stored (a full disk): the next failed check opens it, rather than the monitor believing it did.
      if (e.type === 'open') rec.judgement = { ...rec.judgement, incidentOpen: false };
    }
  }
}

/**
 * What the tray, the notifications and the alert window do to an incident, as calls on the engine's
 * API (no `electron` import): acknowledge, resolve, and snooze, which acknowledges a triggered
 * incident first (the engine snoozes only an acknowledged one, as PagerDuty does). A failure is
 * logged, never thrown at a menu click.
 */
import type { ApiInput, ApiMethod, ApiOutputs } from '../shared/api.ts';

/** Invoker is the part of the Engine these actions need. */
export interface Invoker {
  invoke<M extends ApiMethod>(method: M, input: ApiInput<M>): Promise<ApiOutputs[M]>;
}

/** IncidentActions act on one incident by id. */
export interface IncidentActions {
  acknowledge(incidentId: number): void;
  resolve(incidentId: number): void;
  snooze(incidentId: number, minutes: number): void;
  pauseMonitoring(minutes: number): void;
  resumeMonitoring(): void;
  /** settled resolves once every action started so far has finished (tests and quit wait on it). */
  settled(): Promise<void>;
}

/** snoozeIncident acknowledges the incident if it is triggered, then snoozes it for `minutes`. */
export async function snoozeIncident(engine: Invoker, id: number, minutes: number): Promise<ApiOutputs['incidents.snooze']> {
  const incident = await engine.invoke('incidents.get', { id });
  if (incident.status === 'triggered') await engine.invoke('incidents.acknowledge', { id });
  return engine.invoke('incidents.snooze', { id, minutes });
}

/** incidentActions wires the actions to an engine (read lazily: the shell makes the notifications before the engine). */
export function incidentActions(engine: () => Invoker | undefined, log: (line: string) => void): IncidentActions {
  const inFlight = new Set<Promise<unknown>>();
  const run = (what: string, f: (e: Invoker) => Promise<unknown>) => {
    const e = engine();
    if (!e) return log(`${what}: Standby is not started`);
    const p = f(e)
      .catch((err: unknown) => log(`${what} failed: ${(err as Error).message}`))
      .finally(() => inFlight.delete(p));
    inFlight.add(p);
  };
  return {
    acknowledge: (id) => run(`incidents.acknowledge ${id}`, (e) => e.invoke('incidents.acknowledge', { id })),
    resolve: (id) => run(`incidents.resolve ${id}`, (e) => e.invoke('incidents.resolve', { id })),
    snooze: (id, minutes) => run(`incidents.snooze ${id} for ${minutes} min`, (e) => snoozeIncident(e, id, minutes)),
    pauseMonitoring: (minutes) => run(`monitoring.pauseAll for ${minutes} min`, (e) => e.invoke('monitoring.pauseAll', { minutes })),
    resumeMonitoring: () => run('monitoring.resumeAll', (e) => e.invoke('monitoring.resumeAll', {})),
    settled: async () => {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
  };
}

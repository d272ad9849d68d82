/**
 * Health is what Standby knows is wrong with itself, for `/healthz`, the `system.health` method, the
 * log and a banner on every page of the UI. Each part of the engine owns one problem code and sets or
 * clears it; an `error` means Standby cannot keep its promise right now (its disk is full, its
 * database is damaged) and makes `/healthz` answer 503, a `warning` means it works but may page no one
 * (no contact method outside this computer).
 */
import type { HealthCode, HealthProblem, SystemHealth } from '../shared/api.ts';
import type { Clock } from './clock.ts';

/** HealthDeps are what Health reports to: the clock for `since`, the event stream and the log. */
export interface HealthDeps {
  clock: Clock;
  emit: (health: SystemHealth) => void;
  log: (line: string) => void;
}

/** Health holds the current problems, at most one per code. */
export class Health {
  private readonly problems = new Map<HealthCode, HealthProblem>();
  private readonly probes = new Map<HealthCode, () => void>();
  private readonly d: HealthDeps;

  constructor(deps: HealthDeps) {
    this.d = deps;
  }

  /** set records (or updates) a problem; the log and the event stream hear of it when it is new or its message changed. */
  set(code: HealthCode, severity: HealthProblem['severity'], message: string): void {
    const before = this.problems.get(code);
    if (before && before.severity === severity && before.message === message) return;
    this.problems.set(code, { code, severity, message, since: before?.since ?? new Date(this.d.clock.now()).toISOString() });
    this.d.log(`${severity === 'error' ? 'PROBLEM' : 'warning'}: ${message}`);
    this.d.emit(this.snapshot());
  }

  /** clear removes a problem once it is solved; the log says so. */
  clear(code: HealthCode): void {
    const before = this.problems.get(code);
    if (!before) return;
    this.problems.delete(code);
    this.d.log(`solved: ${before.message}`);
    this.d.emit(this.snapshot());
  }

  /** has tells whether a problem is current. */
  has(code: HealthCode): boolean {
    return this.problems.has(code);
  }

  /**
   * probe registers a check that runs whenever the health is read while its problem is current, so a
   * problem that goes away by itself (space freed on the disk) is noticed without other traffic.
   */
  probe(code: HealthCode, check: () => void): void {
    this.probes.set(code, check);
  }

  /** status runs the probes of current problems, then answers the problems, errors first. */
  status(): SystemHealth {
    for (const [code, check] of this.probes) {
      if (!this.problems.has(code)) continue;
      try {
        check();
      } catch (err) {
        this.d.log(`health probe ${code} failed: ${(err as Error).message}`);
      }
    }
    return this.snapshot();
  }

  /** snapshot answers the current problems, errors first, without probing. */
  snapshot(): SystemHealth {
    const problems = [...this.problems.values()].sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1));
    return { status: problems.some((p) => p.severity === 'error') ? 'failing' : 'ok', problems };
  }
}

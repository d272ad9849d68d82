/**
 * HealthState is Standby's own health (`system.health`): what is wrong with Standby itself (a full
 * disk, a damaged database, a keychain that does not answer, no contact method outside this
 * computer). `health.changed` keeps it current; the window shows a banner on every page while any
 * problem is current.
 */
import type { SystemHealth } from '../../../../electron/shared/api.ts';
import { call, errorMessage } from '../api-client.ts';

/** HealthState holds the last health answer. */
export class HealthState {
  health = $state<SystemHealth | null>(null);
  error = $state<string | null>(null);

  /** load fetches the health. */
  async load(): Promise<void> {
    try {
      this.health = await call('system.health', {});
      this.error = null;
    } catch (err) {
      this.error = errorMessage(err);
    }
  }

  /** set takes the health from a `health.changed` event. */
  set(h: SystemHealth): void {
    this.health = h;
  }
}

/** health is the window's view of Standby's own health. */
export const health = new HealthState();

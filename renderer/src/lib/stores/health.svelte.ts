/**
 * HealthState is Standby's own health (`system.health`): what is wrong with Standby itself (a full
 * disk, a damaged database, a keychain that does not answer, no contact method outside this
 * computer). `health.changed` keeps it current; the window shows a banner on every page while any
 * problem is current. While the `channel_setup` warning is, `channelProblems` says which channels, so
 * the banner links each to its section in Settings.
 */
import type { ChannelProblem, SystemHealth } from '../../../../electron/shared/api.ts';
import { call, errorMessage } from '../api-client.ts';

/** HealthState holds the last health answer. */
export class HealthState {
  health = $state<SystemHealth | null>(null);
  error = $state<string | null>(null);
  channelProblems = $state<ChannelProblem[]>([]);

  /** load fetches the health. */
  async load(): Promise<void> {
    try {
      this.health = await call('system.health', {});
      this.error = null;
      await this.loadChannelProblems();
    } catch (err) {
      this.error = errorMessage(err);
    }
  }

  /** set takes the health from a `health.changed` event. */
  set(h: SystemHealth): void {
    this.health = h;
    void this.loadChannelProblems();
  }

  private async loadChannelProblems(): Promise<void> {
    if (!this.health?.problems.some((p) => p.code === 'channel_setup')) return void (this.channelProblems = []);
    try {
      this.channelProblems = await call('channels.problems', {});
    } catch {
      this.channelProblems = [];
    }
  }
}

/** health is the window's view of Standby's own health. */
export const health = new HealthState();

/**
 * MonitoringState is Standby's own state as a monitor (`monitoring.status`): online or offline
 * ("is it me?"), and whether all monitoring is paused. The window shows a banner for both, and
 * the monitors page pauses monitoring for an hour or resumes it. `monitoring.changed` updates it.
 */
import type { MonitoringStatus } from '../../../../electron/shared/monitor-schemas.ts';
import { call, errorMessage } from '../api-client.ts';

/** PAUSE_ALL_MINUTES is the "Pause monitoring for 1 hour" button's length. */
export const PAUSE_ALL_MINUTES = 60;

/** MonitoringState holds the last status and the pause/resume action's outcome. */
export class MonitoringState {
  status = $state<MonitoringStatus | null>(null);
  busy = $state(false);
  error = $state<string | null>(null);

  /** offline is true only when Standby tried its reference targets and reached none. */
  get offline(): boolean {
    return this.status?.online === false;
  }

  /** paused is true while all monitoring is paused. */
  get paused(): boolean {
    return this.status?.paused === true;
  }

  /** load fetches the status. */
  async load(): Promise<void> {
    try {
      this.status = await call('monitoring.status', {});
      this.error = null;
    } catch (err) {
      this.error = errorMessage(err);
    }
  }

  /** set takes the status from a `monitoring.changed` event. */
  set(s: MonitoringStatus): void {
    this.status = s;
  }

  /** pauseAll pauses every monitor for an hour. */
  pauseAll = async (): Promise<void> => {
    await this.#act(() => call('monitoring.pauseAll', { minutes: PAUSE_ALL_MINUTES }));
  };

  /** resumeAll ends the pause. */
  resumeAll = async (): Promise<void> => {
    await this.#act(() => call('monitoring.resumeAll', {}));
  };

  async #act(fn: () => Promise<MonitoringStatus>): Promise<void> {
    this.busy = true;
    this.error = null;
    try {
      this.status = await fn();
    } catch (err) {
      this.error = errorMessage(err);
    } finally {
      this.busy = false;
    }
  }
}

/** monitoring is the window's view of Standby's own monitoring state. */
export const monitoring = new MonitoringState();

/**
 * NotificationsState is the banner for `notification.desktop` events. Headless there is no
 * desktop notification centre: the web UI is it. Each banner offers Acknowledge and Dismiss.
 * A headless notification carries a deliveryId: once the banner is on a page someone can see (the
 * tab is visible), the UI confirms it, and only then does Standby count the page as delivered.
 */
import type { ApiEvents } from '../../../../electron/shared/api.ts';
import { call, errorMessage } from '../api-client.ts';
import { confirmShown } from '../confirmations.ts';

/** Banner is one desktop notification on screen. */
export interface Banner extends Readonly<ApiEvents['notification.desktop']> {
  key: number;
  error: string | null;
  busy: boolean;
}

/** MAX_BANNERS keeps the stack small; the incident list has the rest. */
const MAX_BANNERS = 3;

/** NotificationsState holds the banners shown. */
export class NotificationsState {
  banners = $state<Banner[]>([]);
  #next = 1;

  /** show adds a banner (replacing an older one for the same incident) and confirms it once it can be seen. */
  show(n: ApiEvents['notification.desktop']): void {
    const rest = this.banners.filter((b) => b.incidentId !== n.incidentId);
    this.banners = [{ ...n, key: this.#next++, error: null, busy: false }, ...rest].slice(0, MAX_BANNERS);
    if (n.deliveryId) confirmWhenSeen(n.deliveryId);
  }

  /** dismiss removes a banner. */
  dismiss(key: number): void {
    this.banners = this.banners.filter((b) => b.key !== key);
  }

  /** acknowledge acknowledges the banner's incident and removes the banner. */
  async acknowledge(key: number): Promise<void> {
    const banner = this.banners.find((b) => b.key === key);
    if (!banner) return;
    banner.busy = true;
    banner.error = null;
    try {
      await call('incidents.acknowledge', { id: banner.incidentId });
      this.dismiss(key);
    } catch (err) {
      banner.error = errorMessage(err);
    } finally {
      banner.busy = false;
    }
  }

  /** forgetIncident removes banners of an incident that is no longer triggered. */
  forgetIncident(incidentId: number): void {
    this.banners = this.banners.filter((b) => b.incidentId !== incidentId);
  }
}

/** confirmWhenSeen tells the engine a notification was shown, now if the tab is visible, or when it becomes visible. */
function confirmWhenSeen(deliveryId: string): void {
  // Confirmations of the same moment share one request (confirmations.ts).
  const confirm = (): void => confirmShown(deliveryId);
  if (typeof document === 'undefined' || document.visibilityState === 'visible') {
    confirm();
    return;
  }
  const onVisible = (): void => {
    if (document.visibilityState !== 'visible') return;
    document.removeEventListener('visibilitychange', onVisible);
    confirm();
  };
  document.addEventListener('visibilitychange', onVisible);
}

/** notifications is the window's banner stack. */
export const notifications = new NotificationsState();

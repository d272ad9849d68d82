/**
 * The engine's desktop port as the person meets it (no `electron` value import): every page is an OS
 * notification, and a high-urgency page also opens the alert window, which has its own buttons and
 * alarm and so does not depend on the notification server (Linux notifications have no buttons in
 * Electron; macOS may show only a banner). A high-urgency page counts as delivered when the alert
 * window opened even if the OS notification failed; a low-urgency one fails with it, so the engine
 * retries.
 */
import type { DesktopNotification, DesktopPort } from '../engine/notify/channel.ts';

/** AlertOpener is the part of AlertWindows the pager needs. */
export interface AlertOpener {
  show(incidentId: number): void;
}

/** desktopPager combines the OS notifications and the alert windows into one DesktopPort. */
export function desktopPager(notifications: DesktopPort, alerts: AlertOpener, log: (line: string) => void): DesktopPort {
  return {
    async show(n: DesktopNotification): Promise<void> {
      if (n.urgency !== 'high') return notifications.show(n);
      alerts.show(n.incidentId);
      try {
        await notifications.show(n);
      } catch (err) {
        log(`the OS notification for incident ${n.incidentId} failed (${(err as Error).message}); its alert window is open`);
      }
    },
  };
}

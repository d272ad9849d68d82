/**
 * The desktop port as OS notifications: one per incident (a newer one replaces the older), critical
 * urgency for high-urgency incidents, Acknowledge and Resolve buttons where the OS has them (macOS,
 * Windows), and a click that opens the dashboard on the incident.
 */
import { Notification } from 'electron';
import type { DesktopNotification, DesktopPort } from '../engine/notify/channel.ts';
import { APP_ICON } from './assets.ts';

/** NotificationActions is what a notification's buttons and click do; the shell wires them to the engine and the window. */
export interface NotificationActions {
  acknowledge(incidentId: number): void;
  resolve(incidentId: number): void;
  open(incidentId: number): void;
}

/** BUTTONS are the notification's actions, in the order their indexes arrive in the `action` event. */
const BUTTONS = [
  { type: 'button', text: 'Acknowledge' },
  { type: 'button', text: 'Resolve' },
] as const;

/** OsNotifications implements the engine's DesktopPort with Electron's Notification. */
export class OsNotifications implements DesktopPort {
  /** shown keeps each incident's live notification referenced, so its click and action handlers are not garbage-collected. */
  private readonly shown = new Map<number, Notification>();
  private readonly actions: NotificationActions;
  private readonly log: (line: string) => void;

  constructor(actions: NotificationActions, log: (line: string) => void) {
    this.actions = actions;
    this.log = log;
  }

  /** show displays one incident's notification; it throws when the OS has no notifications, so the engine records a failed delivery. */
  async show(n: DesktopNotification): Promise<void> {
    if (!Notification.isSupported()) throw new Error('this desktop does not support notifications');
    this.shown.get(n.incidentId)?.close();
    const high = n.urgency === 'high';
    const note = new Notification({
      title: n.title,
      body: n.body,
      icon: APP_ICON,
      urgency: high ? 'critical' : 'normal',
      timeoutType: high ? 'never' : 'default',
      silent: !high,
      actions: [...BUTTONS],
    });
    note.on('click', () => this.actions.open(n.incidentId));
    note.on('action', (details) => {
      const index = details.actionIndex;
      if (index === 0) this.actions.acknowledge(n.incidentId);
      else if (index === 1) this.actions.resolve(n.incidentId);
    });
    note.on('close', () => {
      if (this.shown.get(n.incidentId) === note) this.shown.delete(n.incidentId);
    });
    note.on('failed', (_e, error) => {
      if (this.shown.get(n.incidentId) === note) this.shown.delete(n.incidentId);
      this.log(`notification for incident ${n.incidentId} failed: ${error}`);
    });
    this.shown.set(n.incidentId, note);
    note.show();
  }

  /** dismiss closes an incident's notification (it was acknowledged or resolved elsewhere). */
  dismiss(incidentId: number): void {
    this.shown.get(incidentId)?.close();
    this.shown.delete(incidentId);
  }

  /** dismissAll closes every notification Standby shows (at quit). */
  dismissAll(): void {
    for (const note of this.shown.values()) note.close();
    this.shown.clear();
  }
}

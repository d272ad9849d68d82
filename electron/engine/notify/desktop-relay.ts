/**
 * DesktopRelay is the desktop port of a Standby without a desktop (the headless server): the
 * connected UIs are its desktop. A notification counts as delivered only when a connected UI (a
 * browser tab's event stream today, a paired tray later) has shown it and confirmed so; with none
 * confirming in time, the delivery fails like any failed channel, so the next rule and the escalation
 * go on and the timeline does not claim that someone saw it. With no UI connected at all the page
 * fails too, and waits for one: each UI that connects calls `attached`, which sends the waiting pages.
 */
import { randomUUID } from 'node:crypto';
import { NotConnectedError, type DesktopNotification, type DesktopPort, type DesktopShowOptions } from './channel.ts';

/** NO_DESKTOP_CONNECTED is the failure when no UI is connected to show a notification. */
export const NO_DESKTOP_CONNECTED = 'no desktop is connected (no browser tab is open on Standby); open Standby in a browser, or add a contact method outside this computer';

/** DEFAULT_CONFIRM_MS is how long a connected UI has to confirm a notification when the channel gives no deadline. */
export const DEFAULT_CONFIRM_MS = 8_000;

/** RelayedNotification is what the relay publishes: the notification and the id a UI confirms it with. */
export type RelayedNotification = DesktopNotification & { deliveryId: string };

/** DesktopRelayOptions: where notifications go (the engine's event stream), and what a UI's connecting does. */
export interface DesktopRelayOptions {
  publish: (n: RelayedNotification) => void;
  /** attached is called each time a UI connects (after it counts as connected): the pages waiting for one go out. */
  attached?: () => void;
}

/** DesktopRelay implements DesktopPort over the connected UIs. */
export class DesktopRelay implements DesktopPort {
  private attached = 0;
  private readonly waiting = new Map<string, () => void>();
  private readonly o: DesktopRelayOptions;

  constructor(o: DesktopRelayOptions) {
    this.o = o;
  }

  /** attach counts a connected UI (an open event stream) until the returned function is called. */
  attach(): () => void {
    this.attached++;
    this.o.attached?.();
    let detached = false;
    return () => {
      if (detached) return;
      detached = true;
      this.attached--;
    };
  }

  /** connected is how many UIs are connected now. */
  connected(): number {
    return this.attached;
  }

  /** unavailable says NO_DESKTOP_CONNECTED while no UI is connected: pages planned then wait for one without being sent. */
  unavailable(): string | undefined {
    return this.attached === 0 ? NO_DESKTOP_CONNECTED : undefined;
  }

  /**
   * show publishes the notification to the connected UIs and resolves when one confirms it; it throws
   * when none is connected, when none confirms within the deadline (a little less than the
   * channel's), or when the send is aborted.
   */
  async show(n: DesktopNotification, opts: DesktopShowOptions = {}): Promise<void> {
    if (this.attached === 0) throw new NotConnectedError(NO_DESKTOP_CONNECTED);
    const deliveryId = randomUUID();
    const waitMs = opts.timeoutMs === undefined ? DEFAULT_CONFIRM_MS : Math.max(100, opts.timeoutMs - 500);
    let timer: ReturnType<typeof setTimeout> | undefined;
    let onAbort: (() => void) | undefined;
    try {
      await new Promise<void>((resolve, reject) => {
        this.waiting.set(deliveryId, resolve);
        timer = setTimeout(() => reject(new Error(`no connected desktop confirmed the notification within ${(waitMs / 1000).toFixed(1)} s (${this.attached} connected)`)), waitMs);
        timer.unref?.();
        onAbort = () => reject(new Error('the notification was cut short'));
        opts.signal?.addEventListener('abort', onAbort, { once: true });
        this.o.publish({ ...n, deliveryId });
      });
    } finally {
      clearTimeout(timer);
      if (onAbort) opts.signal?.removeEventListener('abort', onAbort);
      this.waiting.delete(deliveryId);
    }
  }

  /** confirm records that a UI showed a notification; false when it is unknown or its wait is over. */
  confirm(deliveryId: string): boolean {
    const resolve = this.waiting.get(deliveryId);
    if (!resolve) return false;
    this.waiting.delete(deliveryId);
    resolve();
    return true;
  }
}

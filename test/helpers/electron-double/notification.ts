/**
 * The double's `Notification`: every notification the shell makes is kept with its options, whether
 * it was shown and closed; the test clicks it or presses one of its actions as the person would.
 */
import { EventEmitter } from 'node:events';
import type { Notification, NotificationConstructorOptions } from 'electron';
import { DoubleEvent, type ElectronWorld } from './world.ts';

/** NotificationUsed names the members of Electron's `Notification` the shell uses. */
export type NotificationUsed = 'show' | 'close';

/** NotificationDouble is one notification. */
export class NotificationDouble extends EventEmitter implements Pick<Notification, NotificationUsed> {
  readonly options: NotificationConstructorOptions;
  shown = false;
  closed = false;
  private readonly world: ElectronWorld;

  constructor(world: ElectronWorld, options: NotificationConstructorOptions = {}) {
    super();
    this.world = world;
    this.options = options;
  }

  show(): void {
    this.shown = true;
    this.world.record('notification.show', this.options.title);
  }
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.world.record('notification.close', this.options.title);
  }

  /** click is the person clicking the notification's body. */
  click(): void {
    this.emit('click', new DoubleEvent());
  }
  /** press is the person pressing the action with this text (its index is what Electron reports). */
  press(text: string): void {
    const index = (this.options.actions ?? []).findIndex((a) => a.text === text);
    if (index < 0) throw new Error(`the notification has no action ${JSON.stringify(text)}: ${JSON.stringify(this.options.actions)}`);
    // Electron 45: (details: Event<{ actionIndex, selectionIndex }>, actionIndex (deprecated), selectionIndex (deprecated)).
    this.emit('action', Object.assign(new DoubleEvent(), { actionIndex: index, selectionIndex: -1 }), index, -1);
  }
}

/** notificationsDouble makes the `Notification` class bound to a world, and keeps every notification made. */
export function notificationsDouble(world: ElectronWorld, supported: () => boolean) {
  const all: NotificationDouble[] = [];
  class BoundNotification extends NotificationDouble {
    static isSupported(): boolean {
      return supported();
    }
    constructor(options?: NotificationConstructorOptions) {
      super(world, options);
      all.push(this);
    }
  }
  return { Notification: BoundNotification, all };
}

/**
 * The world the Electron double records into: one per fresh import of the double (a test calls
 * `vi.resetModules()` before each launch of the shell, so each scenario starts from an empty world).
 * It keeps what the shell did, in order (`effects`), and the objects it made (trays, windows,
 * notifications), so a test can assert on them and act on them as the OS or the person would.
 */
import type { Settings } from 'electron';

/** Effect is one thing the shell asked Electron to do, in the order it happened (`tray.create`, `notification.show`, ...). */
export interface Effect {
  what: string;
  detail?: unknown;
}

/** ElectronWorld is everything the double has recorded, plus the knobs a test sets before the shell starts. */
export class ElectronWorld {
  /** effects are the recorded calls, oldest first. */
  readonly effects: Effect[] = [];
  /** errorBoxes are `dialog.showErrorBox` calls: a start that failed shows one. */
  readonly errorBoxes: Array<{ title: string; content: string }> = [];
  /** opened are the URLs given to `shell.openExternal`. */
  readonly opened: string[] = [];
  /** loginItemSettings are the `app.setLoginItemSettings` calls, in order. */
  readonly loginItemSettings: Settings[] = [];
  /** openedAtLogin is what `getLoginItemSettings().wasOpenedAtLogin` answers (macOS: started as a login item). */
  openedAtLogin = false;
  /** appUserModelId is the last `app.setAppUserModelId` (Windows). */
  appUserModelId: string | undefined;
  /** lockHeldElsewhere makes `requestSingleInstanceLock` answer false, as when another Standby already runs. */
  lockHeldElsewhere = false;
  /** packaged is what `app.isPackaged` answers. */
  packaged = false;
  /** appData is `app.getPath('appData')`. */
  appData = '/nonexistent-appData';
  /** exitCode is set once the shell called `app.exit` (the process would have ended). */
  exitCode: number | undefined;
  /** quit is true once a quit went through (`before-quit` not prevented). */
  quit = false;

  record(what: string, detail?: unknown): void {
    this.effects.push(detail === undefined ? { what } : { what, detail });
  }

  /** count says how often an effect was recorded. */
  count(what: string): number {
    return this.effects.filter((e) => e.what === what).length;
  }
}

/** waitFor polls `check` every 20 ms until it returns true (or a value), or throws naming `what` after `ms`. */
export async function waitFor<T>(check: () => T | false | undefined | null, what: string, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = check();
    if (v !== false && v !== undefined && v !== null) return v;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** DoubleEvent is the event object Electron hands to listeners that may cancel (`before-quit`, a window's `close`). */
export class DoubleEvent {
  defaultPrevented = false;
  preventDefault(): void {
    this.defaultPrevented = true;
  }
}

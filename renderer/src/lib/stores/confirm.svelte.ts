/**
 * ConfirmState is the one confirm dialog of the window: before anything is deleted or replaced, a
 * view asks it with what depends on the thing (lib/dependents.ts). The dialog offers the action only
 * when nothing stops it, and runs it only on the person's click.
 */
import type { Dependents } from '../dependents.ts';

/** ConfirmRequest is one question: what, what depends on it, the button's words and what it does. */
export interface ConfirmRequest extends Dependents {
  title: string;
  confirmLabel: string;
  run: () => Promise<void> | void;
}

/** ConfirmState holds the open question, if any. */
export class ConfirmState {
  request = $state<ConfirmRequest | null>(null);
  busy = $state(false);

  /** ask opens the dialog (replacing any open question). */
  ask(request: ConfirmRequest): void {
    this.request = request;
    this.busy = false;
  }

  /** cancel closes it; nothing happens. */
  cancel = (): void => {
    if (!this.busy) this.request = null;
  };

  /** confirm runs the action (it shows its own errors where it always did) and closes the dialog. */
  confirm = async (): Promise<void> => {
    const r = this.request;
    if (!r || this.busy || r.blockers.length > 0) return;
    this.busy = true;
    try {
      await r.run();
    } finally {
      this.busy = false;
      if (this.request === r) this.request = null;
    }
  };
}

/** confirm is the window's confirm dialog. */
export const confirmation = new ConfirmState();

/**
 * ResultWriter buffers what the monitor runner has to write (check results, and the judgement of
 * monitors whose judgement changed) and writes it in one transaction at most every `flushMs`. When a
 * write fails (a full disk) nothing is lost: what failed stays pending and is tried again.
 */
import type { Store } from '../store/database.ts';
import { errorText } from './monitor-type.ts';
import type { PendingResult, ResultStore } from './results.ts';

/** ResultWriterDeps: where results go, how a monitor's judgement is saved, how often to write, and the log. */
export interface ResultWriterDeps {
  store: Store;
  results: ResultStore;
  saveJudgement: (monitorId: number) => void;
  flushMs: number;
  log: (line: string) => void;
}

/** ResultWriter is the runner's write buffer. */
export class ResultWriter {
  private readonly dirty = new Set<number>();
  private timer: NodeJS.Timeout | undefined;
  private active = true;
  private readonly d: ResultWriterDeps;

  constructor(deps: ResultWriterDeps) {
    this.d = deps;
  }

  /** add buffers a check result and arms the next write. */
  add(result: PendingResult): void {
    this.d.results.add(result);
    this.schedule();
  }

  /** changed marks a monitor whose judgement must be saved with the next write. */
  changed(monitorId: number): void {
    this.dirty.add(monitorId);
  }

  /** forget drops what is buffered for a monitor (it was deleted). */
  forget(monitorId: number): void {
    this.dirty.delete(monitorId);
    this.d.results.discard(monitorId);
  }

  /** flush writes what is buffered now, in one transaction; it throws when the write fails (what failed stays pending). */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.d.results.pending === 0 && this.dirty.size === 0) return;
    if (!this.d.store.db.isOpen) return;
    this.d.results.flush(() => {
      for (const id of this.dirty) this.d.saveJudgement(id);
    });
    this.dirty.clear();
  }

  /** tryFlush flushes, and on failure logs it and tries again after flushMs. */
  tryFlush(): void {
    try {
      this.flush();
    } catch (err) {
      this.d.log(`writing check results failed: ${errorText(err)}`);
      if (this.active) this.schedule();
    }
  }

  /** close writes what is buffered (throwing if it cannot) and arms no more writes. */
  close(): void {
    this.active = false;
    this.flush();
  }

  /** open arms writes again after close (the runner started again). */
  open(): void {
    this.active = true;
  }

  private schedule(): void {
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      this.tryFlush();
    }, this.d.flushMs);
    this.timer.unref?.();
  }
}

/**
 * WalFlusher makes the group commit's transactions durable without holding the event loop while the
 * disk flushes. Such a transaction commits with `synchronous = NORMAL`: its frames are written to the
 * write-ahead log file, but SQLite leaves flushing that file to the next checkpoint. WalFlusher then
 * flushes it (`fdatasync`, on libuv's thread pool) and only afterwards lets go of what waited for the
 * transaction: its engine events and the answers of the requests in it (a 202, a page's claim before
 * its send). Transactions that commit while a flush is under way share the next one, as a database's
 * group commit does. Nothing waiting for a transaction is let go before the disk has it, so an
 * answered event survives a power cut as before; only reads (the web UI listing incidents) may see a
 * transaction a flush ahead of the disk, and a power cut at that moment loses what nobody was told
 * was stored.
 *
 * Everything held is let go in commit order: a transaction committed with `synchronous = FULL` (every
 * other transaction) is on disk when COMMIT returns, but its events wait behind those of the group
 * commits before it, so the UI never hears of an acknowledgement before the incident it acknowledges.
 * Measured with bench/ingest.bench.ts (docs/performance.md, twentieth round).
 */
import { closeSync, fdatasync, fdatasyncSync, openSync } from 'node:fs';

/** WalSync flushes the write-ahead log file (open as fd) to the disk. */
export type WalSync = (fd: number) => Promise<void>;

/** fdatasyncWal is the real flush: fdatasync on libuv's thread pool. */
export const fdatasyncWal: WalSync = (fd) => new Promise((resolve, reject) => fdatasync(fd, (err) => (err ? reject(err) : resolve())));

/** Settle is what waits for one transaction: `durable` once the disk has it, `failed` when the flush failed. */
export interface Settle {
  durable: () => void;
  failed: (err: unknown) => void;
}

interface Held extends Settle {
  seq: number;
  /** onDisk: committed with synchronous = FULL, so on disk already; it waits only for what came before it. */
  onDisk: boolean;
}

/** WalFlusherOptions: the log file, how to flush it, and who hears of a flush that failed. */
export interface WalFlusherOptions {
  walPath: string;
  sync?: WalSync;
  /** failed hears of a flush that failed (the store's storage health); it answers the error the waiters get. */
  failed: (err: unknown) => unknown;
}

/** WalFlusher holds what waits for committed transactions until the write-ahead log is on disk. */
export class WalFlusher {
  private readonly held: Held[] = [];
  /** idle are the callbacks waiting for the flush under way to end. */
  private idle: Array<() => void> = [];
  private seq = 0;
  private flushing = false;
  private closed = false;
  private fd: number | undefined;
  private readonly o: WalFlusherOptions;
  private readonly sync: WalSync;

  constructor(o: WalFlusherOptions) {
    this.o = o;
    this.sync = o.sync ?? fdatasyncWal;
  }

  /** waiting tells whether anything is held: a transaction committed since must queue its events behind it. */
  get waiting(): boolean {
    return this.held.length > 0;
  }

  /**
   * afterFlush runs fn once the flush under way has ended and answers true; with none under way it
   * answers false and does not run fn. The group commit waits so: what arrives while the disk flushes
   * one batch forms the next, as large as that flush took, instead of a stream of small commits.
   */
  afterFlush(fn: () => void): boolean {
    if (!this.flushing) return false;
    this.idle.push(fn);
    return true;
  }

  /** hold keeps s until the log holding a just-committed NORMAL transaction is on disk, and starts a flush. */
  hold(s: Settle): void {
    this.held.push({ ...s, seq: ++this.seq, onDisk: false });
    this.flush();
  }

  /** after runs fn (what a FULL transaction queued after its commit) once everything held before it is let go. */
  after(fn: () => void): void {
    if (this.held.length === 0) return fn();
    this.held.push({ durable: fn, failed: fn, seq: ++this.seq, onDisk: true });
  }

  /**
   * close flushes what is held, on this thread (the store is closing), and lets it go; the log's file
   * is closed. A failed flush fails what was held.
   */
  close(): void {
    this.closed = true;
    if (this.held.length > 0) {
      let error: unknown;
      try {
        fdatasyncSync(this.open());
      } catch (err) {
        error = this.o.failed(err);
      }
      this.release(this.seq, error);
    }
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    // What waited for the flush under way goes on now (and finds the store closed); a flush that ends later lets nothing go.
    this.flushing = false;
    const idle = this.idle;
    this.idle = [];
    for (const fn of idle) fn();
  }

  private open(): number {
    // The log lives as long as the connection (SQLite deletes it when the last one closes), and a
    // checkpoint cuts it back in place: one descriptor serves every flush.
    this.fd ??= openSync(this.o.walPath, 'r+');
    return this.fd;
  }

  private flush(): void {
    if (this.flushing || this.held.length === 0) return;
    this.flushing = true;
    const upTo = this.seq;
    let fd: number;
    try {
      fd = this.open();
    } catch (err) {
      this.flushing = false;
      this.release(upTo, this.o.failed(err));
      return;
    }
    this.sync(fd).then(
      () => this.settled(upTo),
      // After a close the store flushed what was held itself; a flush that ends later failing (its descriptor closed) is nobody's news.
      (err: unknown) => this.settled(upTo, this.closed ? undefined : this.o.failed(err)),
    );
  }

  private settled(upTo: number, error?: unknown): void {
    this.flushing = false;
    this.release(upTo, error);
    const idle = this.idle;
    this.idle = [];
    for (const fn of idle) fn();
    this.flush();
  }

  /** release lets go, in order, of everything held up to seq upTo, and of the FULL transactions' callbacks right behind it. */
  private release(upTo: number, error?: unknown): void {
    const ready: Held[] = [];
    while (this.held.length > 0 && (this.held[0]!.seq <= upTo || this.held[0]!.onDisk)) ready.push(this.held.shift()!);
    let thrown: { err: unknown } | undefined;
    for (const h of ready) {
      try {
        if (error === undefined || h.onDisk) h.durable();
        else h.failed(error);
      } catch (err) {
        thrown ??= { err };
      }
    }
    // A listener that throws does not keep the others from hearing; its error surfaces as any other would.
    if (thrown) queueMicrotask(() => {
      throw thrown.err;
    });
  }
}

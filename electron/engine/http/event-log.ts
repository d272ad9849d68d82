/**
 * The event stream's memory, so a client that lost its connection catches up instead of missing what
 * happened meanwhile (a tray paired with a box, a browser tab): every event is numbered
 * (`<boot>-<n>`, the SSE `id`), the last EVENT_LOG_SIZE are kept, and a client that reconnects with
 * `Last-Event-ID` (EventSource sends it by itself) gets those after it first. A client whose last id
 * is from an earlier run of the server, or older than what is kept, is told to reload (`resync`).
 */
import { randomBytes } from 'node:crypto';
import type { ApiEvent } from '../../shared/api.ts';

/** EVENT_LOG_SIZE is how many events are kept for clients that reconnect. */
export const EVENT_LOG_SIZE = 1000;

/** SSE_BATCH bounds how many events the event stream puts in one write (a client far behind gets several). */
export const SSE_BATCH = 500;

/**
 * sseFrame is one server-sent event: its type, its data as one line of JSON (JSON.stringify escapes
 * line breaks, so the data never needs splitting) and its id when it has one, then the blank line.
 */
export function sseFrame(event: string, data: unknown, id?: string): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n${id === undefined ? '' : `id: ${id}\n`}\n`;
}

/** LoggedEvent is an event with its number and SSE id. */
export interface LoggedEvent {
  n: number;
  id: string;
  event: ApiEvent;
}

/** EventLog numbers events and keeps the newest. */
export class EventLog {
  /** boot tells one run of the server from another: ids do not carry over a restart. */
  readonly boot = randomBytes(4).toString('hex');
  private seq = 0;
  private readonly kept: LoggedEvent[] = [];
  private readonly size: number;
  private readonly listeners = new Set<(e: LoggedEvent) => void>();

  constructor(size = EVENT_LOG_SIZE) {
    this.size = size;
  }

  /** add numbers an event and keeps it. */
  add(event: ApiEvent): LoggedEvent {
    const n = ++this.seq;
    const logged = { n, id: `${this.boot}-${n}`, event };
    this.kept.push(logged);
    if (this.kept.length > this.size) this.kept.shift();
    for (const l of this.listeners) l(logged);
    return logged;
  }

  /** subscribe hears each event as it is added; it returns the unsubscribe function. */
  subscribe(listener: (e: LoggedEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** last is the newest event's number (0 before any). */
  last(): number {
    return this.seq;
  }

  /**
   * since answers the events after a client's Last-Event-ID; `complete: false` when some were lost to
   * it (another run of the server, or older than what is kept), and the client must reload.
   */
  since(lastEventId: string | undefined): { events: LoggedEvent[]; complete: boolean } {
    if (!lastEventId) return { events: [], complete: true };
    const m = /^([0-9a-f]{8})-(\d{1,15})$/.exec(lastEventId);
    if (!m || m[1] !== this.boot) return { events: [], complete: false };
    const after = Number(m[2]);
    if (after > this.seq) return { events: [], complete: false };
    const oldest = this.kept[0]?.n ?? this.seq + 1;
    if (after < oldest - 1) return { events: [], complete: false };
    return { events: this.kept.filter((e) => e.n > after), complete: true };
  }
}

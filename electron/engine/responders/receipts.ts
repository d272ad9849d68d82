/**
 * Page receipts: what a two-way channel answered when it delivered a page (table `page_receipts`,
 * migration 8), and where each responder's polling stands (`responder_state`).
 */
import type { Store } from '../store/database.ts';

/** PageReceipt is one delivered page a phone may answer, and whether its loop is closed yet. */
export interface PageReceipt {
  id: number;
  incidentId: number;
  contactMethodId: number | null;
  channel: string;
  address: string;
  receipt: string;
  createdAt: number;
  closedAt: number | null;
  /** polledAt is when the responder last asked the vendor about it (Pushover: once every 5 s at most). */
  polledAt: number | null;
}

type Row = Record<string, unknown>;
const fromRow = (r: Row): PageReceipt => ({
  id: Number(r.id),
  incidentId: Number(r.incident_id),
  contactMethodId: r.contact_method_id === null ? null : Number(r.contact_method_id),
  channel: String(r.channel),
  address: String(r.address),
  receipt: String(r.receipt),
  createdAt: Number(r.created_at),
  closedAt: r.closed_at === null ? null : Number(r.closed_at),
  polledAt: r.polled_at === null || r.polled_at === undefined ? null : Number(r.polled_at),
});

/** ReceiptRepo reads and writes page receipts and responder cursors. */
export class ReceiptRepo {
  private readonly store: Store;

  constructor(store: Store) {
    this.store = store;
  }

  /** add records a delivered page's receipt (in the caller's transaction). */
  add(r: Omit<PageReceipt, 'id' | 'closedAt' | 'polledAt'>): void {
    this.store.prepare('INSERT INTO page_receipts (incident_id, contact_method_id, channel, address, receipt, created_at) VALUES (?, ?, ?, ?, ?, ?)').run(r.incidentId, r.contactMethodId, r.channel, r.address, r.receipt, r.createdAt);
  }

  /** byReceipt finds a page by the channel's own id for it (a Pushover receipt, a Telegram "chat:message"). */
  byReceipt(channel: string, receipt: string): PageReceipt | undefined {
    const r = this.store.prepare('SELECT * FROM page_receipts WHERE channel = ? AND receipt = ? ORDER BY id DESC LIMIT 1').get(channel, receipt) as Row | undefined;
    return r ? fromRow(r) : undefined;
  }

  /** newestTo is the newest page a channel delivered to an address by a time (a bare "4" by SMS answers the newest page sent before it). */
  newestTo(channel: string, address: string, by = Number.MAX_SAFE_INTEGER): PageReceipt | undefined {
    const r = this.store.prepare('SELECT * FROM page_receipts WHERE channel = ? AND address = ? AND created_at <= ? ORDER BY created_at DESC, id DESC LIMIT 1').get(channel, address, by) as Row | undefined;
    return r ? fromRow(r) : undefined;
  }

  /** open lists an incident's pages whose loop is not closed yet. */
  open(incidentId: number): PageReceipt[] {
    return (this.store.prepare('SELECT * FROM page_receipts WHERE incident_id = ? AND closed_at IS NULL ORDER BY id').all(incidentId) as Row[]).map(fromRow);
  }

  /** pending lists every page of a channel whose loop is not closed yet, oldest first (Pushover polls their receipts). */
  pending(channel: string, limit = 100): PageReceipt[] {
    return (this.store.prepare('SELECT * FROM page_receipts WHERE channel = ? AND closed_at IS NULL ORDER BY id LIMIT ?').all(channel, limit) as Row[]).map(fromRow);
  }

  /** polled records when a page's receipt was last asked about, so a restart keeps the vendor's pace. */
  polled(id: number, at: number): void {
    this.store.prepare('UPDATE page_receipts SET polled_at = ? WHERE id = ?').run(at, id);
  }

  /** close marks a page's loop closed. */
  close(id: number, now: number): void {
    this.store.prepare('UPDATE page_receipts SET closed_at = ? WHERE id = ? AND closed_at IS NULL').run(now, id);
  }

  /** cursor reads where a responder's polling stands. */
  cursor(name: string): string | undefined {
    const r = this.store.prepare('SELECT cursor FROM responder_state WHERE name = ?').get(name) as { cursor: string } | undefined;
    return r?.cursor;
  }

  /** setCursor records where a responder's polling stands (in the caller's transaction, with the answers it applied). */
  setCursor(name: string, cursor: string, now: number): void {
    this.store.prepare('INSERT INTO responder_state (name, cursor, updated_at) VALUES (?, ?, ?) ON CONFLICT(name) DO UPDATE SET cursor = excluded.cursor, updated_at = excluded.updated_at').run(name, cursor, now);
  }
}

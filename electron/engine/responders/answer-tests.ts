/**
 * The test round trip (table `answer_tests`, migration 9): "Send test" on a channel that can answer
 * sends a test that asks for an answer (a Telegram button, "reply 4", Pushover's acknowledgement, an
 * ntfy button) carrying a random token; the channel's responder marks the test answered when that
 * answer comes back from one of the person's own chats or numbers, and the contact method form shows
 * "Answer received from Telegram in 4 s". A test answer touches no incident.
 */
import { randomBytes } from 'node:crypto';
import type { AnswerTestStatus } from '../../shared/api-results.ts';
import type { Store } from '../store/database.ts';

/** TEST_ANSWER_WINDOW_MS is how long a test waits for its answer; later answers are ignored. */
export const TEST_ANSWER_WINDOW_MS = 10 * 60_000;

/** AnswerTest is one test send waiting for (or having had) its answer. */
export interface AnswerTest {
  id: number;
  contactMethodId: number | null;
  channel: string;
  address: string;
  token: string;
  receipt: string | null;
  sentAt: number;
  polledAt: number | null;
  answeredAt: number | null;
  via: string | null;
}

type Row = Record<string, unknown>;
const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const fromRow = (r: Row): AnswerTest => ({
  id: Number(r.id),
  contactMethodId: num(r.contact_method_id),
  channel: String(r.channel),
  address: String(r.address),
  token: String(r.token),
  receipt: r.receipt === null ? null : String(r.receipt),
  sentAt: Number(r.sent_at),
  polledAt: num(r.polled_at),
  answeredAt: num(r.answered_at),
  via: r.via === null ? null : String(r.via),
});

/** AnswerTestRepo reads and writes test sends and their answers. */
export class AnswerTestRepo {
  private readonly store: Store;

  constructor(store: Store) {
    this.store = store;
  }

  /** add records a test about to be sent, with a fresh token (64 random bits: a test answer is worth little to a guesser). */
  add(t: { contactMethodId: number; channel: string; address: string; sentAt: number }): AnswerTest {
    const token = randomBytes(8).toString('hex');
    const r = this.store.prepare('INSERT INTO answer_tests (contact_method_id, channel, address, token, sent_at) VALUES (?, ?, ?, ?, ?) RETURNING *').get(t.contactMethodId, t.channel, t.address, token, t.sentAt) as Row;
    return fromRow(r);
  }

  /** sent records the channel's receipt for the test (a Telegram "chat:message", a Pushover receipt, an SMS sid). */
  sent(id: number, receipt: string): void {
    this.store.prepare('UPDATE answer_tests SET receipt = ? WHERE id = ?').run(receipt, id);
  }

  /** find reads one test. */
  find(id: number): AnswerTest | undefined {
    const r = this.store.prepare('SELECT * FROM answer_tests WHERE id = ?').get(id) as Row | undefined;
    return r ? fromRow(r) : undefined;
  }

  /** byToken finds a test by the token its answer carries. */
  byToken(channel: string, token: string): AnswerTest | undefined {
    const r = this.store.prepare('SELECT * FROM answer_tests WHERE channel = ? AND token = ?').get(channel, token) as Row | undefined;
    return r ? fromRow(r) : undefined;
  }

  /** newestTo is the newest test a channel sent to an address by a time (a bare "4" by SMS may answer it). */
  newestTo(channel: string, address: string, by = Number.MAX_SAFE_INTEGER): AnswerTest | undefined {
    const r = this.store.prepare('SELECT * FROM answer_tests WHERE channel = ? AND address = ? AND sent_at <= ? ORDER BY sent_at DESC, id DESC LIMIT 1').get(channel, address, by) as Row | undefined;
    return r ? fromRow(r) : undefined;
  }

  /** waiting lists a channel's tests with a receipt still waiting for their answer within the window (Pushover polls them). */
  waiting(channel: string, now: number): AnswerTest[] {
    return (this.store.prepare('SELECT * FROM answer_tests WHERE channel = ? AND receipt IS NOT NULL AND answered_at IS NULL AND sent_at > ? ORDER BY id').all(channel, now - TEST_ANSWER_WINDOW_MS) as Row[]).map(fromRow);
  }

  /** open tells whether a test can still be answered. */
  open(t: AnswerTest, now: number): boolean {
    return t.answeredAt === null && now - t.sentAt <= TEST_ANSWER_WINDOW_MS;
  }

  /** answered marks a test answered, once; it tells whether this call was the one that did. */
  answered(id: number, now: number, via: string): boolean {
    return Number(this.store.prepare('UPDATE answer_tests SET answered_at = ?, via = ? WHERE id = ? AND answered_at IS NULL').run(now, via, id).changes) > 0;
  }

  /** polled records when a test's receipt was last asked about. */
  polled(id: number, at: number): void {
    this.store.prepare('UPDATE answer_tests SET polled_at = ? WHERE id = ?').run(at, id);
  }

  /** status is what the form shows while it waits. */
  status(id: number, now: number): AnswerTestStatus | undefined {
    const t = this.find(id);
    if (!t) return undefined;
    const status = t.answeredAt !== null ? 'received' : now - t.sentAt > TEST_ANSWER_WINDOW_MS ? 'expired' : 'waiting';
    return {
      id: t.id,
      channel: t.channel,
      status,
      sentAt: new Date(t.sentAt).toISOString(),
      answeredAt: t.answeredAt === null ? null : new Date(t.answeredAt).toISOString(),
      via: t.via,
      seconds: t.answeredAt === null ? null : Math.max(0, Math.round((t.answeredAt - t.sentAt) / 1000)),
    };
  }
}

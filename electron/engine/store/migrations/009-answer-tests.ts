/**
 * Migration 9: the test round trip and durable poll times. `answer_tests` records a "Send test" on a
 * channel that can answer: the token its answer carries, the channel's receipt for it, and when (and
 * from where) the answer arrived, so the form can say "Answer received from Telegram in 4 s".
 * `page_receipts.polled_at` keeps when a receipt was last polled (Pushover allows one poll per receipt
 * every 5 s), so a quick restart does not poll early.
 */
import type { Migration } from './index.ts';

export const m009AnswerTests: Migration = {
  version: 9,
  name: '009-answer-tests',
  up(db) {
    db.exec(`
      ALTER TABLE page_receipts ADD COLUMN polled_at INTEGER;

      CREATE TABLE answer_tests (
        id INTEGER PRIMARY KEY,
        contact_method_id INTEGER,
        channel TEXT NOT NULL,
        address TEXT NOT NULL,
        token TEXT NOT NULL UNIQUE,
        receipt TEXT,
        sent_at INTEGER NOT NULL,
        polled_at INTEGER,
        answered_at INTEGER,
        via TEXT
      );
      CREATE INDEX answer_tests_receipt ON answer_tests (channel, receipt);
      CREATE INDEX answer_tests_address ON answer_tests (channel, address, sent_at);
    `);
  },
};

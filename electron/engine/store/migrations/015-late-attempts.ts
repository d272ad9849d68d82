/**
 * Migration 15: an attempt remembers whether it started late (a computer that slept, or a process held
 * up, ran it well after it was due). A page's retries and its retry window count from the last late
 * attempt, as they do from a restart: a page whose first try failed just before a laptop slept gets its
 * full retries after the wake, not one try before the network is back.
 */
import type { Migration } from './index.ts';

export const m015LateAttempts: Migration = {
  version: 15,
  name: '015-late-attempts',
  up(db) {
    // Idempotent, as the others are (a database put back to an older schema version runs it again).
    const columns = db.prepare('PRAGMA table_info(delivery_attempts)').all() as Array<{ name: string }>;
    if (!columns.some((c) => c.name === 'late')) db.exec('ALTER TABLE delivery_attempts ADD COLUMN late INTEGER NOT NULL DEFAULT 0');
  },
};

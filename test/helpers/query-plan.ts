/** queryPlan answers SQLite's plan for a statement as one line (`EXPLAIN QUERY PLAN`), for tests that an index is used. */
import type { DatabaseSync, SQLInputValue } from 'node:sqlite';

export function queryPlan(db: DatabaseSync, sql: string, ...args: SQLInputValue[]): string {
  return (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...args) as Array<{ detail: string }>).map((r) => r.detail).join('; ');
}

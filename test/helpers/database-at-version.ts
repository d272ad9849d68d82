/** databaseAtVersion writes a database file as a build that stopped at migration `version` left it (no data). */
import { DatabaseSync } from 'node:sqlite';
import { migrations } from '../../electron/engine/store/migrations/index.ts';

/** databaseAtVersion applies migrations 1 to `version` to a new WAL database at path and answers it open, for the test to add its rows. */
export function databaseAtVersion(path: string, version: number): DatabaseSync {
  const db = new DatabaseSync(path);
  db.exec('PRAGMA journal_mode = WAL');
  db.exec('CREATE TABLE schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)');
  // As the store runs them: with foreign keys off (migration 17 rebuilds the jobs table), then on again.
  db.exec('PRAGMA foreign_keys = OFF');
  for (const m of migrations.filter((x) => x.version <= version)) {
    m.up(db, 0);
    db.prepare('INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, 0)').run(m.version, m.name);
  }
  db.exec('PRAGMA foreign_keys = ON');
  return db;
}

import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { describe, expect, it } from 'vitest';
import { Store } from '../../../electron/engine/store/database.ts';
import { migrations } from '../../../electron/engine/store/migrations/index.ts';
import { ROOT, tempDir } from '../../helpers/headless.ts';

describe('migrations', () => {
  it('every numbered file in migrations/ is in the list, in order', () => {
    const files = readdirSync(join(ROOT, 'electron/engine/store/migrations')).filter((f) => /^\d{3}-.*\.ts$/.test(f)).sort();
    expect(migrations.map((m) => `${m.name}.ts`)).toEqual(files);
    expect(migrations.map((m) => m.version)).toEqual(files.map((_, i) => i + 1));
  });

  it('a new database gets every migration once, in WAL mode with foreign keys on', () => {
    const path = join(tempDir(), 'db.sqlite');
    const store = new Store(path);
    expect(store.schemaVersion()).toBe(migrations.length);
    expect(store.db.prepare('PRAGMA journal_mode').get()).toEqual({ journal_mode: 'wal' });
    expect(store.db.prepare('PRAGMA foreign_keys').get()).toEqual({ foreign_keys: 1 });
    store.close();
    const again = new Store(path);
    expect((again.db.prepare('SELECT COUNT(*) AS n FROM schema_version').get() as { n: number }).n).toBe(migrations.length);
    again.close();
  });

  it('refuses a database written by a newer Standby', () => {
    const path = join(tempDir(), 'db.sqlite');
    new Store(path).close();
    const raw = new DatabaseSync(path);
    raw.prepare('INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)').run(999, 'future', 0);
    raw.close();
    expect(() => new Store(path)).toThrow(/newer Standby \(schema 999/);
  });

  it('a transaction that throws leaves nothing behind', () => {
    const store = new Store(':memory:');
    expect(() =>
      store.transaction(() => {
        store.db.prepare("INSERT INTO profile (id, name, email, phone, time_zone) VALUES (1, 'a', '', '', 'UTC')").run();
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(store.db.prepare('SELECT COUNT(*) AS n FROM profile').get()).toEqual({ n: 0 });
  });
});

/**
 * The channel settings a page reads are kept between pages, and never outlive a change: through the
 * repo, by SQL of its own (a config import), or taken back by a rollback. A real SQLite database.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SettingsRepo } from '../../../electron/engine/notify/settings-repo.ts';
import { Store } from '../../../electron/engine/store/database.ts';

const stores: Store[] = [];
afterEach(() => {
  for (const s of stores.splice(0)) s.close();
});

function setup(): { store: Store; repo: SettingsRepo; reads: () => number } {
  const store = new Store(':memory:');
  stores.push(store);
  const prepare = vi.spyOn(store, 'prepare');
  const reads = () => prepare.mock.calls.filter(([sql]) => sql.startsWith('SELECT config_json FROM channel_settings')).length;
  return { store, repo: new SettingsRepo(store), reads };
}

describe('SettingsRepo', () => {
  it('reads a section once, then answers from what it kept, a fresh object each time', () => {
    const { repo, store, reads } = setup();
    store.transaction(() => repo.set('delivery', { timeoutSeconds: 20 }));
    expect(repo.get('delivery')).toEqual({ timeoutSeconds: 20 });
    const first = repo.get('delivery')!;
    first.timeoutSeconds = 99;
    expect(repo.get('delivery')).toEqual({ timeoutSeconds: 20 });
    expect(repo.get('absent')).toBeUndefined();
    expect(repo.get('absent')).toBeUndefined();
    expect(reads()).toBe(2);
  });

  it('forgets what it kept when the table changes: through any repo, by SQL of its own, or a delete', () => {
    const { repo, store } = setup();
    const other = new SettingsRepo(store);
    store.transaction(() => repo.set('twilio', { accountSid: 'AC1' }));
    expect(repo.get('twilio')).toEqual({ accountSid: 'AC1' });
    store.transaction(() => other.set('twilio', { accountSid: 'AC2' }));
    expect(repo.get('twilio')).toEqual({ accountSid: 'AC2' });
    store.db.prepare("UPDATE channel_settings SET config_json = '{\"accountSid\":\"AC3\"}' WHERE kind = 'twilio'").run();
    expect(repo.get('twilio')).toEqual({ accountSid: 'AC3' });
    store.db.prepare('DELETE FROM channel_settings').run();
    expect(repo.get('twilio')).toBeUndefined();
  });

  it('never keeps a row a rolled-back transaction wrote', () => {
    const { repo, store } = setup();
    store.transaction(() => repo.set('delivery', { timeoutSeconds: 20 }));
    expect(repo.get('delivery')).toEqual({ timeoutSeconds: 20 });
    expect(() =>
      store.transaction(() => {
        repo.set('delivery', { timeoutSeconds: 5 });
        expect(repo.get('delivery')).toEqual({ timeoutSeconds: 5 });
        throw new Error('rolled back');
      }),
    ).toThrow('rolled back');
    expect(repo.get('delivery')).toEqual({ timeoutSeconds: 20 });
  });
});

/**
 * Kept reads (store/kept-reads.ts) for the rows every page reads: its contact method and the profile.
 * Read once, then kept; forgotten at any change of their table (through the repo or by SQL of its
 * own), and never kept from inside a transaction that a rollback takes back. A real SQLite database.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { keptRead } from '../../../electron/engine/store/kept-reads.ts';
import { ConfigRepo } from '../../../electron/engine/store/config-repo.ts';
import { Store } from '../../../electron/engine/store/database.ts';

const stores: Store[] = [];
afterEach(() => {
  for (const s of stores.splice(0)) s.close();
});

function setup(): { store: Store; config: ConfigRepo; reads: (table: string) => number } {
  const store = new Store(':memory:');
  stores.push(store);
  const prepare = vi.spyOn(store, 'prepare');
  const reads = (table: string) => prepare.mock.calls.filter(([sql]) => sql.startsWith('SELECT') && sql.includes(`FROM ${table} WHERE id`)).length;
  return { store, config: new ConfigRepo(store), reads };
}

describe('kept reads', () => {
  it('read a contact method and the profile once, then answer from what was kept, a fresh object each time', () => {
    const { store, config, reads } = setup();
    const phone = store.transaction(() => config.createContactMethod({ type: 'sms', label: 'Phone', address: '+14155550123', secretRef: null }));
    store.transaction(() => config.setProfile({ name: 'Ada', email: '', phone: '', timeZone: 'Europe/Berlin' }));
    const [before, profileBefore] = [reads('contact_methods'), reads('profile')];
    const first = config.getContactMethod(phone.id);
    first.label = 'changed by a caller';
    expect(config.getContactMethod(phone.id)).toEqual(phone);
    expect(config.getProfile().timeZone).toBe('Europe/Berlin');
    expect(config.getProfile().timeZone).toBe('Europe/Berlin');
    expect([reads('contact_methods') - before, reads('profile') - profileBefore]).toEqual([1, 1]);
  });

  it('forget what was kept when the table changes: through the repo, by SQL of its own, or a delete', () => {
    const { store, config } = setup();
    const phone = store.transaction(() => config.createContactMethod({ type: 'sms', label: 'Phone', address: '+14155550123', secretRef: null }));
    expect(config.getContactMethod(phone.id).address).toBe('+14155550123');
    store.transaction(() => config.updateContactMethod(phone.id, { type: 'sms', label: 'Phone', address: '+14155550199', secretRef: null }));
    expect(config.getContactMethod(phone.id).address).toBe('+14155550199');
    store.db.prepare("UPDATE contact_methods SET label = 'Mobile' WHERE id = ?").run(phone.id);
    expect(config.getContactMethod(phone.id).label).toBe('Mobile');
    store.db.prepare('DELETE FROM contact_methods WHERE id = ?').run(phone.id);
    expect(() => config.getContactMethod(phone.id)).toThrow(/contact method/);
    store.transaction(() => config.setProfile({ name: 'Ada', email: '', phone: '', timeZone: 'UTC' }));
    expect(config.getProfile().timeZone).toBe('UTC');
    store.db.prepare("UPDATE profile SET time_zone = 'Asia/Tokyo'").run();
    expect(config.getProfile().timeZone).toBe('Asia/Tokyo');
  });

  it("keep each contact method's type for the job runner's looks, until a contact method is added, changed or deleted", () => {
    const { store, config } = setup();
    const phone = store.transaction(() => config.createContactMethod({ type: 'sms', label: 'Phone', address: '+14155550123', secretRef: null }));
    expect([...config.contactTypes()]).toEqual([[phone.id, 'sms']]);
    const prepare = vi.spyOn(store, 'prepare');
    prepare.mockClear();
    for (let i = 0; i < 5; i++) config.contactTypes();
    expect(prepare).not.toHaveBeenCalled();
    const hook = store.transaction(() => config.createContactMethod({ type: 'webhook', label: 'Hook', address: 'https://example.com/hook', secretRef: null }));
    expect(config.contactTypes().get(hook.id)).toBe('webhook');
    store.db.prepare("UPDATE contact_methods SET type = 'voice' WHERE id = ?").run(phone.id);
    expect(config.contactTypes().get(phone.id)).toBe('voice');
    store.transaction(() => config.deleteContactMethod(hook.id));
    expect([...config.contactTypes().keys()]).toEqual([phone.id]);
  });

  it('never keep a row read inside a transaction that is then rolled back', () => {
    const { store, config } = setup();
    store.transaction(() => config.setProfile({ name: 'Ada', email: '', phone: '', timeZone: 'UTC' }));
    expect(() =>
      store.transaction(() => {
        config.setProfile({ name: 'Ada', email: '', phone: '', timeZone: 'Asia/Tokyo' });
        expect(config.getProfile().timeZone).toBe('Asia/Tokyo');
        throw new Error('rolled back');
      }),
    ).toThrow('rolled back');
    expect(config.getProfile().timeZone).toBe('UTC');
  });

  it('refuse a table name that is not one', () => {
    const store = new Store(':memory:');
    stores.push(store);
    expect(() => keptRead(store, 'profile; DROP TABLE profile', 1, () => 0)).toThrow('"profile; DROP TABLE profile" is not a table name');
  });
});

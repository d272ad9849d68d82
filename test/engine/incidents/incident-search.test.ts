import { afterEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../../electron/shared/errors.ts';
import { testEngine, type TestEngine } from '../../helpers/engine.ts';

describe('incidents.list query', () => {
  let t: TestEngine;
  afterEach(() => t?.engine.stop());

  it('finds incidents by a part of their title, service name or dedup key, in any case, with the total for paging', async () => {
    t = await testEngine();
    const e = t.engine;
    const first = (await e.invoke('services.list', {}))[0]!;
    const shop = await e.invoke('services.create', { name: 'Web shop', escalationPolicyId: first.escalationPolicyId });
    await e.invoke('incidents.trigger', { serviceId: first.id, title: 'Disk almost full on db-1', dedupKey: 'disk-db1' });
    await e.invoke('incidents.trigger', { serviceId: shop.id, title: 'Checkout returns 502', dedupKey: 'http-checkout' });
    await e.invoke('incidents.trigger', { serviceId: first.id, title: 'Backup late', dedupKey: 'cron_backup%' });
    const titles = async (query: string, extra: Record<string, unknown> = {}) => {
      const r = await e.invoke('incidents.list', { query, ...extra });
      return { titles: r.incidents.map((i) => i.title), total: r.total };
    };
    expect(await titles('DISK')).toEqual({ titles: ['Disk almost full on db-1'], total: 1 });
    expect(await titles('web SHOP')).toEqual({ titles: ['Checkout returns 502'], total: 1 });
    expect(await titles('http-check')).toEqual({ titles: ['Checkout returns 502'], total: 1 });
    // LIKE's wildcards are the person's characters, not patterns.
    expect(await titles('_backup%')).toEqual({ titles: ['Backup late'], total: 1 });
    expect(await titles('%')).toEqual({ titles: ['Backup late'], total: 1 });
    expect(await titles('e', { limit: 1, offset: 1 })).toEqual({ titles: ['Checkout returns 502'], total: 3 });
    expect(await titles('nothing like it')).toEqual({ titles: [], total: 0 });
    await expect(e.invoke('incidents.list', { query: 'x'.repeat(201) })).rejects.toThrow(ApiError);
    await expect(e.invoke('incidents.list', { query: 'x'.repeat(201) })).rejects.toThrow(/query: must be at most 200 characters/);
  });
});

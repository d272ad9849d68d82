/**
 * A heartbeat across a restart of Standby: while Standby was not running the job's pings could not
 * arrive, so a deadline that fell in that time moves later by it (as across a sleep).
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../../electron/engine/clock.ts';
import { receivePing } from '../../../electron/engine/monitors/heartbeat-routes.ts';
import { tempDir } from '../../helpers/headless.ts';
import { testEngine, type TestEngine } from '../../helpers/engine.ts';

const engines: TestEngine[] = [];
afterEach(async () => {
  for (const t of engines.splice(0)) await t.engine.stop();
});

const HOUR = 3600_000;

describe('a heartbeat across a restart', () => {
  it('is not late for pings it could not receive while Standby was not running; without them it is late a period later', async () => {
    const databasePath = join(tempDir(), 'standby.db');
    const first = await testEngine({ databasePath });
    const serviceId = (await first.engine.invoke('services.list', {}))[0]!.id;
    const hb = await first.engine.invoke('monitors.create', { name: 'Nightly', kind: 'heartbeat', serviceId, config: { periodSeconds: 3600, graceSeconds: 600 } });
    const key = hb.pingPath!.split('/').pop()!;
    expect(await receivePing(first.engine.monitors, key, undefined, first.clock.now())).toBe('ok');
    await first.advance(30); // Standby runs (and checks) for half an hour, then stops
    await first.engine.stop();
    // Down for three hours (the job's pings got "connection refused"), then started again.
    const second = await testEngine({ databasePath, clock: new FakeClock(first.clock.now() + 3 * HOUR) });
    engines.push(second);
    await second.advance(30);
    expect(await second.engine.invoke('incidents.list', {})).toMatchObject({ total: 0 });
    // The deadline (ping + 1 h + 10 min) moved by the 3 hours: still quiet at 39 minutes after the start, late after 41.
    await second.advance(9);
    expect(await second.engine.invoke('incidents.list', {})).toMatchObject({ total: 0 });
    await second.advance(2);
    expect((await second.engine.invoke('incidents.list', {})).incidents.map((i) => i.title)).toEqual([expect.stringMatching(/^Nightly is down: no ping since/)]);
  });
});

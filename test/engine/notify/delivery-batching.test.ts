/**
 * What batching the delivery records guarantees, read through a second connection to the database
 * file (what a process started after a kill -9 would see): pages claimed together are all on disk
 * before any of them is sent; outcomes of sends that end together share one commit, and each is on
 * disk before its job is let go; events and outcomes share that commit; slots freed together are
 * claimed again together, in the commit of the outcomes that freed them.
 */
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../../electron/engine/clock.ts';
import { MAX_DESKTOP_SENDS } from '../../../electron/engine/incidents/job-runner.ts';
import type { Channel } from '../../../electron/engine/notify/channel.ts';
import { tempDir } from '../../helpers/headless.ts';
import { harness, type Harness } from './harness.ts';

const DESKTOP = { type: 'desktop' as const, label: 'Second screen', address: 'desktop', secretRef: null };

let h: Harness | undefined;
let reader: DatabaseSync | undefined;
afterEach(async () => {
  reader?.close();
  reader = undefined;
  await h?.stop();
  h = undefined;
});

/** onDisk counts rows as a second connection sees them: only what is committed. */
const onDisk = (db: DatabaseSync, sql: string) => (db.prepare(sql).get() as { n: number }).n;

describe('delivery records in group commits', () => {
  it('claims due together commit before any send starts, and each outcome is on disk before its job is let go', async () => {
    const databasePath = join(tempDir(), 'standby.db');
    const seenAtSend: number[] = [];
    const release: Array<() => void> = [];
    const channel: Channel = {
      type: 'desktop',
      async send() {
        // At the first instant of the send: how many attempts of all the pages are durably "sending".
        seenAtSend.push(onDisk(reader!, "SELECT COUNT(*) AS n FROM delivery_attempts WHERE outcome = 'sending'"));
        await new Promise<void>((r) => release.push(r));
        return { ok: true };
      },
    };
    h = await harness({ channels: [channel], contact: DESKTOP, settings: {}, secrets: {}, clock: new FakeClock('2026-03-02T12:00:00Z'), databasePath });
    reader = new DatabaseSync(databasePath, { readOnly: true });
    const serviceId = (await h.engine.invoke('services.list', {}))[0]!.id;
    // Five incidents open in one transaction, so their five pages fall due together.
    h.engine.store.transaction(() => {
      for (let i = 0; i < 5; i++) h!.engine.lifecycle.trigger({ serviceId, title: `Incident ${i}`, severity: 'critical', details: {} }, 'api');
    });
    // Not awaited: the job run it starts ends only when its sends do.
    const running = h.clock.advance(0);
    while (release.length < 5) await new Promise((r) => setTimeout(r, 5));
    expect(seenAtSend).toEqual([5, 5, 5, 5, 5]);

    // Three sends end in the same turn: their outcomes share one commit, on disk when the runner lets the jobs go.
    const batches = h.engine.lifecycle.commits.stats().batches;
    for (const r of release.splice(0, 3)) r();
    while (h.engine.lifecycle.jobs.inFlight().get('desktop') !== 2) await new Promise((r) => setTimeout(r, 5));
    expect(h.engine.lifecycle.commits.stats().batches).toBe(batches + 1);
    expect(onDisk(reader, "SELECT COUNT(*) AS n FROM delivery_attempts WHERE outcome = 'delivered'")).toBe(3);
    expect(onDisk(reader, "SELECT COUNT(*) AS n FROM jobs WHERE kind = 'notify' AND state = 'done'")).toBe(3);
    expect(h.engine.lifecycle.jobs.inFlight().get('desktop')).toBe(2);

    for (const r of release.splice(0)) r();
    await running;
    await h.engine.lifecycle.idle();
    expect(onDisk(reader, "SELECT COUNT(*) AS n FROM delivery_attempts WHERE outcome = 'delivered'")).toBe(5);
    const notes = (await h.engine.invoke('incidents.list', {})).incidents.map((i) => h!.notifies(i.id).map((e) => e.data.outcome));
    expect(notes).toEqual([['delivered'], ['delivered'], ['delivered'], ['delivered'], ['delivered']]);
  });

  it('slots freed together are refilled in one look, whose claims share the commit of the outcomes that freed them', async () => {
    const databasePath = join(tempDir(), 'standby.db');
    const seenAtSend: number[] = [];
    const release: Array<() => void> = [];
    const channel: Channel = {
      type: 'desktop',
      async send() {
        seenAtSend.push(onDisk(reader!, "SELECT COUNT(*) AS n FROM delivery_attempts WHERE outcome = 'sending'"));
        await new Promise<void>((r) => release.push(r));
        return { ok: true };
      },
    };
    h = await harness({ channels: [channel], contact: DESKTOP, settings: {}, secrets: {}, clock: new FakeClock('2026-03-02T12:00:00Z'), databasePath });
    reader = new DatabaseSync(databasePath, { readOnly: true });
    const serviceId = (await h.engine.invoke('services.list', {}))[0]!.id;
    // Two more pages than the desktop has slots: two wait, pending.
    h.engine.store.transaction(() => {
      for (let i = 0; i < MAX_DESKTOP_SENDS + 2; i++) h!.engine.lifecycle.trigger({ serviceId, title: `Incident ${i}`, severity: 'critical', details: {} }, 'api');
    });
    const running = h.clock.advance(0);
    while (release.length < MAX_DESKTOP_SENDS) await new Promise((r) => setTimeout(r, 5));
    expect(h.engine.lifecycle.jobs.inFlight().get('desktop')).toBe(MAX_DESKTOP_SENDS);

    // Every send in flight ends in the same turn (a UI confirmed them in one call).
    const batches = h.engine.lifecycle.commits.stats().batches;
    for (const r of release.splice(0)) r();
    while (release.length < 2) await new Promise((r) => setTimeout(r, 5));
    // One commit for the 32 outcomes and both claims (a slot is free once its send has ended, and the
    // look that refills the slots runs before the commit); each claim on disk before either send started.
    expect(h.engine.lifecycle.commits.stats().batches).toBe(batches + 1);
    expect(seenAtSend.slice(MAX_DESKTOP_SENDS)).toEqual([2, 2]);
    expect(onDisk(reader, "SELECT COUNT(*) AS n FROM delivery_attempts WHERE outcome = 'delivered'")).toBe(MAX_DESKTOP_SENDS);

    for (const r of release.splice(0)) r();
    await running;
    await h.engine.lifecycle.idle();
    expect(onDisk(reader, "SELECT COUNT(*) AS n FROM delivery_attempts WHERE outcome = 'delivered'")).toBe(MAX_DESKTOP_SENDS + 2);
  });

  it('a record the disk refuses is not taken for done: the job stays running and the page is sent again', async () => {
    const databasePath = join(tempDir(), 'standby.db');
    let sends = 0;
    let refuse = true;
    const channel: Channel = {
      type: 'desktop',
      async send() {
        sends++;
        // The outcome's commit fails: a trigger that aborts every write to delivery_attempts stands in for a full disk.
        if (refuse) h!.engine.store.db.exec("CREATE TRIGGER refuse BEFORE UPDATE ON delivery_attempts BEGIN SELECT RAISE(ABORT, 'disk refused the record'); END");
        return { ok: true };
      },
    };
    h = await harness({ channels: [channel], contact: DESKTOP, settings: {}, secrets: {}, clock: new FakeClock('2026-03-02T12:00:00Z'), databasePath });
    reader = new DatabaseSync(databasePath, { readOnly: true });
    const { id } = await h.trigger();
    expect(sends).toBe(1);
    expect(onDisk(reader, "SELECT COUNT(*) AS n FROM jobs WHERE kind = 'notify' AND state = 'running'")).toBe(1);
    expect(h.logs.some((l) => l.includes('recording a delivery failed: disk refused the record'))).toBe(true);
    refuse = false;
    h.engine.store.db.exec('DROP TRIGGER refuse');
    await h.advance(10_000);
    expect(sends).toBe(2);
    expect(h.notifies(id).map((e) => e.data.outcome)).toEqual(['interrupted', 'delivered']);
  });
});

/**
 * The job runner looks at the schedule many times a second under load (every batch of inbound events
 * wakes it). Each look must run statements compiled once: SQLite compiles a statement whose LIMIT
 * is a bound parameter again at every run, which made a look several times dearer than its reads
 * (bench/ingest.bench.ts). The authorizer is called whenever SQLite compiles a statement, so it
 * counts compilations.
 */
import { constants } from 'node:sqlite';
import { afterEach, describe, expect, it } from 'vitest';
import { Store } from '../../../electron/engine/store/database.ts';
import { IncidentRepo, sqlLimit } from '../../../electron/engine/store/incident-repo.ts';

const stores: Store[] = [];
afterEach(() => {
  for (const s of stores.splice(0)) s.close();
});

describe("the job runner's looks at the schedule", () => {
  it('compile their statements once, whatever the time they look at', () => {
    const store = new Store(':memory:');
    stores.push(store);
    const repo = new IncidentRepo(store);
    let compiled = 0;
    // Setting an authorizer discards compiled statements, so it is set before the first look.
    store.db.setAuthorizer(() => {
      compiled++;
      return constants.SQLITE_OK;
    });
    const look = (now: number) => {
      repo.dueTimers(now);
      repo.dueNotifies(now, 100);
      repo.dueNotifies(now, 100, [1, 2]);
      repo.due(now);
      repo.nextDueAfter(now);
    };
    look(1_000);
    expect(compiled).toBeGreaterThan(0); // the first look compiles (the authorizer does see compilations)
    compiled = 0;
    for (let now = 2_000; now < 2_010; now++) look(now);
    expect(compiled).toBe(0);
    store.db.setAuthorizer(null);
  });

  it('take only a positive whole number as a row limit written into the query', () => {
    expect(sqlLimit(100)).toBe(100);
    for (const bad of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) expect(() => sqlLimit(bad)).toThrow(/positive whole number/);
  });
});

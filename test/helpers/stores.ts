/** The store tests' shared setup: stores opened by a test, closed after it, and the rows an old database needs before its incidents. */
import { afterEach } from 'vitest';
import { Store } from '../../electron/engine/store/database.ts';

/**
 * storesClosedAfterEach returns `open`, which opens a Store that is closed after the test (closing one
 * the test closed already does nothing). Call it at the top of a test file.
 */
export function storesClosedAfterEach(): (path: string) => Store {
  const stores: Store[] = [];
  afterEach(() => {
    for (const s of stores.splice(0)) s.close();
  });
  return (path) => {
    const store = new Store(path);
    stores.push(store);
    return store;
  };
}

/** ONE_SERVICE is an escalation policy without levels and one service on it (id 1), for an old database's incidents to belong to. */
export const ONE_SERVICE = `INSERT INTO escalation_policies (name, description, levels_json, repeat_count) VALUES ('p', '', '[]', 0);
  INSERT INTO services (name, description, escalation_policy_id, urgency_rule_json, ack_timeout_minutes, auto_resolve_minutes, maintenance_json, enabled) VALUES ('s', '', 1, '{}', 0, 0, '{}', 1);`;

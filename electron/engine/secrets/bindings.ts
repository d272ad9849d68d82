/**
 * Where each secret may go. A secret is entered for a destination (a contact method's URL, a channel's
 * server and account); the binding, kept in SQLite beside the configuration (never the secret itself),
 * lists the destinations a reference was entered for, and a channel reads a secret only for one of
 * them (DeliveryStage → `ctx.secret(ref, destination)`). Re-pointing a contact method or a channel (by
 * the API or an imported file) therefore never carries a stored secret to a new host: the person
 * enters the secret again for the new destination. Standby's own entries (`standby.*`: the ack links'
 * key, integration and heartbeat keys) are never bound, so no channel can ever send one.
 */
import type { Store } from '../store/database.ts';

/** isStandbyRef tells whether a reference names one of Standby's own entries, which no contact method or channel may use. */
export function isStandbyRef(ref: string): boolean {
  return ref.toLowerCase().startsWith('standby.');
}

/** SecretUse is one place the configuration names a secret: the reference, where it would be sent, and who uses it (for messages). */
export interface SecretUse {
  ref: string;
  destination: string;
  what: string;
}

/** SecretNotBoundError says a secret was not read because it was not entered for this destination; it names both, never the secret. */
export class SecretNotBoundError extends Error {
  override readonly name = 'SecretNotBoundError';
  readonly ref: string;
  readonly destination: string;
  readonly boundTo: string[];

  constructor(ref: string, destination: string, boundTo: string[]) {
    const was = boundTo.length === 0 ? 'for no destination yet' : `for ${boundTo.join(', ')}`;
    super(`the keychain entry "${ref}" was stored ${was}, not for ${destination}: it is not sent there until you enter the secret again for this destination`);
    this.ref = ref;
    this.destination = destination;
    this.boundTo = boundTo;
  }
}

/** SecretBindings reads and writes the `secret_bindings` table. */
export class SecretBindings {
  private readonly store: Store;

  constructor(store: Store) {
    this.store = store;
  }

  /** destinations lists what a reference is bound to. */
  destinations(ref: string): string[] {
    const rows = this.store.prepare('SELECT destination FROM secret_bindings WHERE ref = ? ORDER BY destination').all(ref) as Array<{ destination: string }>;
    return rows.map((r) => r.destination);
  }

  /** allows tells whether a reference may be sent to a destination. */
  allows(ref: string, destination: string): boolean {
    if (isStandbyRef(ref)) return false;
    return this.store.prepare('SELECT 1 FROM secret_bindings WHERE ref = ? AND destination = ?').get(ref, destination) !== undefined;
  }

  /** check throws SecretNotBoundError unless the reference may be sent to the destination. */
  check(ref: string, destination: string): void {
    if (!this.allows(ref, destination)) throw new SecretNotBoundError(ref, destination, isStandbyRef(ref) ? [] : this.destinations(ref));
  }

  /** bind makes a reference's destinations exactly these (a new value was entered for them); Standby's own references are refused. */
  bind(ref: string, destinations: Iterable<string>, now: number): void {
    if (isStandbyRef(ref)) throw new Error(`"${ref}" is Standby's own entry and is never sent anywhere`);
    this.store.transaction(() => {
      this.store.prepare('DELETE FROM secret_bindings WHERE ref = ?').run(ref);
      const insert = this.store.prepare('INSERT OR IGNORE INTO secret_bindings (ref, destination, bound_at) VALUES (?, ?, ?)');
      for (const d of destinations) insert.run(ref, d, now);
    });
  }

  /** add binds a reference to more destinations, keeping the ones it has (used only when seeding bindings once). */
  add(uses: Iterable<SecretUse>, now: number): void {
    this.store.transaction(() => {
      const insert = this.store.prepare('INSERT OR IGNORE INTO secret_bindings (ref, destination, bound_at) VALUES (?, ?, ?)');
      for (const u of uses) if (!isStandbyRef(u.ref)) insert.run(u.ref, u.destination, now);
    });
  }

  /** forget drops every binding of a reference (its secret was deleted). */
  forget(ref: string): void {
    this.store.transaction(() => this.store.prepare('DELETE FROM secret_bindings WHERE ref = ?').run(ref));
  }

  /** seeded tells whether the secrets stored before bindings existed have been bound (once, at the first start after the upgrade). */
  seeded(): boolean {
    const r = this.store.prepare('SELECT secret_bindings_seeded AS s FROM installation WHERE id = 1').get() as { s: number } | undefined;
    return r?.s === 1;
  }

  /** seed binds every secret the configuration uses now to where it sends it now, and records that this was done. */
  seed(uses: Iterable<SecretUse>, now: number): void {
    this.store.transaction(() => {
      this.add(uses, now);
      this.store.prepare('UPDATE installation SET secret_bindings_seeded = 1 WHERE id = 1').run();
    });
  }
}

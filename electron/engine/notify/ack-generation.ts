/**
 * AckGenerations numbers the generations of ack links (`ack_link_state`, migration 5). A link carries
 * the generation it was issued in and acts only in that one, so starting a new generation revokes
 * every link issued before. A new one starts when the signing key is rotated, and when ack links are
 * turned off: however that is done (`channels.update`, removing the section, a configuration import
 * without it), and only when the "off" is committed. A configuration import replaces every settings
 * row in one transaction (delete, then insert): one that keeps ack links on must not revoke them, so
 * the decision is taken after the commit, on what the database then says.
 *
 * How: temporary triggers on this connection call a function whenever the `ack` settings row changes;
 * it reconciles right after the transaction commits (Store.onCommit). `off_seen` records that the
 * current generation has already ended by an "off", so the next "on" starts clean. A reconcile at
 * construction covers a crash between a commit and its reconcile.
 */
import type { Store } from '../store/database.ts';

/** AckLinkState is the current generation of links and why the one before it ended. */
export interface AckLinkState {
  generation: number;
  revokedReason: 'off' | 'rotated' | null;
}

/** ACK_SETTINGS_CHANGED is the SQL function the temporary triggers call when the `ack` settings row changes. */
const ACK_SETTINGS_CHANGED = 'standby_ack_settings_changed';

/** AckGenerations reads and starts generations of ack links. */
export class AckGenerations {
  private readonly store: Store;
  private readonly linksOn: () => boolean;
  private readonly log: (line: string) => void;
  /** mustEnd is set when a reconcile that had to end a generation failed: the next one ends it whatever it sees. */
  private mustEnd = false;

  /** linksOn tells whether ack links are on in the committed settings. */
  constructor(store: Store, linksOn: () => boolean, log: (line: string) => void) {
    this.store = store;
    this.linksOn = linksOn;
    this.log = log;
    this.watch();
    this.reconcile();
  }

  /** current reads the current generation. */
  current(): AckLinkState {
    const r = this.store.prepare('SELECT generation, revoked_reason FROM ack_link_state WHERE id = 1').get() as { generation: number; revoked_reason: 'off' | 'rotated' | null };
    return { generation: r.generation, revokedReason: r.revoked_reason };
  }

  /** rotated starts a new generation because the signing key was rotated. */
  rotated(): void {
    this.store.transaction(() => this.store.prepare("UPDATE ack_link_state SET generation = generation + 1, revoked_reason = 'rotated' WHERE id = 1").run());
  }

  /**
   * reconcile ends the current generation when links are off and it has not ended yet, and notes when
   * they are on again. It never throws: a failure is logged, and the next reconcile ends the generation.
   */
  reconcile(): void {
    try {
      this.store.transaction(() => {
        const on = this.linksOn();
        const { off_seen: offSeen } = this.store.prepare('SELECT off_seen FROM ack_link_state WHERE id = 1').get() as { off_seen: number };
        if ((!on && offSeen === 0) || this.mustEnd) {
          this.store.prepare(`UPDATE ack_link_state SET generation = generation + 1, revoked_reason = 'off', off_seen = ? WHERE id = 1`).run(on ? 0 : 1);
        } else if (on && offSeen === 1) {
          this.store.prepare('UPDATE ack_link_state SET off_seen = 0 WHERE id = 1').run();
        }
      });
      this.mustEnd = false;
    } catch (err) {
      this.mustEnd = true;
      this.log(`ack links: could not record that they were turned off (${(err as Error).message}); links sent before stay refused while they are off, and are revoked at the next change`);
    }
  }

  /** watch makes every change of the `ack` settings row on this connection reconcile right after its commit. */
  private watch(): void {
    const db = this.store.db;
    db.function(ACK_SETTINGS_CHANGED, () => {
      // Inside a transaction: after its COMMIT (never, if it rolls back). A lone statement has committed by the next microtask.
      if (db.isTransaction) this.store.onCommit(() => this.reconcile());
      else queueMicrotask(() => this.reconcile());
      return null;
    });
    for (const [event, row] of [['INSERT', 'NEW'], ['UPDATE', 'NEW'], ['DELETE', 'OLD']] as const) {
      db.exec(`CREATE TEMP TRIGGER IF NOT EXISTS ack_settings_${event.toLowerCase()} AFTER ${event} ON main.channel_settings WHEN ${row}.kind = 'ack' BEGIN SELECT ${ACK_SETTINGS_CHANGED}(); END`);
    }
  }
}

/**
 * `standby pair [--data-dir DIR]` on the box: a one-time pairing code for a device, and the box's
 * certificate fingerprint to compare on the device, as "Pair a device" in Settings shows them. It
 * works beside the running server: it writes the code's hash into the database the server reads
 * (SQLite allows it), without migrating or starting anything.
 */
import { X509Certificate } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { parseArgs } from 'node:util';
import { DATABASE_FILE, defaultDataDir } from '../data-dir.ts';
import { TLS_CERT_FILE } from '../http/tls-certificate.ts';
import { Pairing, type PairingStore } from '../pairing/pairing.ts';

const usage = `usage: standby pair [--data-dir DIR]
  Prints a one-time code that pairs one device with this Standby (valid 10 minutes), and the SHA-256
  fingerprint of its certificate, to compare with what the device shows.
  --data-dir DIR   the running Standby's data directory (default: $STANDBY_DATA_DIR or ${defaultDataDir()})`;

/** pairCommand prints a pairing code; it returns the exit code. */
export function pairCommand(argv: string[], now: () => number = Date.now): number {
  let values;
  try {
    ({ values } = parseArgs({ args: argv, options: { 'data-dir': { type: 'string' }, help: { type: 'boolean' } }, strict: true }));
  } catch (err) {
    console.error(`${(err as Error).message}\n${usage}`);
    return 2;
  }
  if (values.help) {
    console.log(usage);
    return 0;
  }
  const dataDir = resolve(values['data-dir'] ?? process.env.STANDBY_DATA_DIR ?? defaultDataDir());
  const path = join(dataDir, DATABASE_FILE);
  if (!existsSync(path)) {
    console.error(`There is no Standby database in ${dataDir}: start standby serve there first, or give its --data-dir (run this as the user Standby runs as).`);
    return 1;
  }
  const db = new DatabaseSync(path);
  try {
    db.exec('PRAGMA busy_timeout = 5000');
    const hasTable = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'pairing_codes'").get();
    if (!hasTable) {
      console.error(`The Standby in ${dataDir} does not know pairing yet: restart it after the update (it then updates its database), and run this again.`);
      return 1;
    }
    const store: PairingStore = {
      prepare: (sql: string) => db.prepare(sql),
      transaction: <T>(fn: () => T): T => {
        db.exec('BEGIN IMMEDIATE');
        try {
          const r = fn();
          db.exec('COMMIT');
          return r;
        } catch (err) {
          db.exec('ROLLBACK');
          throw err;
        }
      },
    } as PairingStore;
    const { code, expiresAt } = new Pairing(store, now).start();
    console.log(`Pairing code: ${code} (one device, until ${expiresAt})`);
    const cert = join(dataDir, TLS_CERT_FILE);
    if (existsSync(cert)) console.log(`Certificate SHA-256 fingerprint: ${new X509Certificate(readFileSync(cert)).fingerprint256}\nCheck that the device shows the same fingerprint before you trust it.`);
    else console.log('This Standby has no certificate yet: devices pair over HTTPS, so start it with --host ADDR --allow-lan (docs/box.md).');
    return 0;
  } finally {
    db.close();
  }
}

/**
 * `standby pair` on the box's command line, beside the running server: it prints a code the server
 * accepts and the fingerprint of the certificate the server shows; without a database, or on one too
 * old for pairing, it says what to do.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, describe, expect, it } from 'vitest';
import { SystemClock } from '../../../electron/engine/clock.ts';
import { startHeadless, type HeadlessServer } from '../../../electron/engine/headless/server.ts';
import { pairWithBox } from '../../../electron/engine/remote/pair-client.ts';
import { ROOT, tempDir } from '../../helpers/headless.ts';

const cli = (...args: string[]) => spawnSync(process.execPath, [join(ROOT, 'electron/engine/headless/cli.mjs'), ...args], { encoding: 'utf8', env: { ...process.env, STANDBY_DATA_DIR: '' } });
let s: HeadlessServer | undefined;
afterEach(() => s?.close());

describe('standby pair', () => {
  it('prints a code the running box accepts and the fingerprint the box shows', async () => {
    const dataDir = tempDir('standby-paircli-');
    s = await startHeadless({ dataDir, port: 0, host: '127.0.0.1', token: 'pair-cli-test-token-0123456789-ABCDEFGHIJKL', tls: 'self-signed', lanAccess: true, clock: new SystemClock(), log: () => {} });
    const r = cli('pair', '--data-dir', dataDir);
    expect(r.status).toBe(0);
    const code = /^Pairing code: ([0-9A-Z]{4}-[0-9A-Z]{4}) \(one device, until \d{4}-\d\d-\d\dT[\d:.]+Z\)$/m.exec(r.stdout)?.[1];
    const fingerprint = /^Certificate SHA-256 fingerprint: ([0-9A-F:]{95})$/m.exec(r.stdout)?.[1];
    expect(code).toBeDefined();
    expect(fingerprint).toBe((await s.engine.invoke('system.server', {})).tls?.fingerprint256);
    const paired = await pairWithBox({ url: s.url, code: code!, name: 'Laptop' });
    expect(paired.pin.fingerprint256).toBe(fingerprint);
  });

  it('says what to do without a database, or with one from before pairing', () => {
    const empty = tempDir('standby-paircli-');
    const none = cli('pair', '--data-dir', empty);
    expect([none.status, none.stderr.trim()]).toEqual([1, `There is no Standby database in ${empty}: start standby serve there first, or give its --data-dir (run this as the user Standby runs as).`]);
    const old = tempDir('standby-paircli-');
    new DatabaseSync(join(old, 'standby.db')).close();
    const before = cli('pair', '--data-dir', old);
    expect(before.status).toBe(1);
    expect(before.stderr).toMatch(/does not know pairing yet: restart it after the update/);
    expect(cli('pair', '--nope').status).toBe(2);
  });
});

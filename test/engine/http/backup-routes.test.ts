/**
 * Backups over HTTP: `backups.list` and `backups.create` through the API, and `GET /api/backups/<file>`
 * sending exactly the backup's bytes to a caller with the token, and nothing else to anyone.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHeadless, type HeadlessServer } from '../../../electron/engine/headless/server.ts';
import { api, tempDir, waitFor } from '../../helpers/headless.ts';

const TOKEN = 'backup-route-token';
let s: HeadlessServer;
let dir: string;
const log: string[] = [];

beforeAll(async () => {
  dir = tempDir('standby-backup-routes-');
  s = await startHeadless({ dataDir: dir, port: 0, host: '127.0.0.1', token: TOKEN, log: (l) => log.push(l) });
  await waitFor(() => log.some((l) => l.startsWith('backup (daily)')), 'the backup taken at start');
});
afterAll(() => s.close());

describe('backups over HTTP', () => {
  it('lists the backups and takes one now', async () => {
    const before = await api(s.url, TOKEN, 'backups.list', {});
    expect(before.status).toBe(200);
    expect(before.body).toMatchObject({ directory: join(dir, 'backups'), keep: 7 });
    expect(before.body.backups).toHaveLength(1);
    const made = await api(s.url, TOKEN, 'backups.create', {});
    expect(made.status).toBe(200);
    expect(made.body.file).toMatch(/^standby-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ(-\d+)?\.db$/);
    const after = await api(s.url, TOKEN, 'backups.list', {});
    expect(after.body.backups[0]).toEqual(made.body);
    expect(after.body.backups).toHaveLength(2);
  });

  it('downloads a backup with the token: its exact bytes, as an attachment', async () => {
    const { backups } = (await api(s.url, TOKEN, 'backups.list', {})).body as { backups: Array<{ file: string; bytes: number }> };
    const b = backups[0]!;
    const res = await fetch(`${s.url}/api/backups/${b.file}`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="${b.file}"`);
    expect(res.headers.get('content-type')).toBe('application/vnd.sqlite3');
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(bytes.length).toBe(b.bytes);
    expect(bytes.equals(readFileSync(join(dir, 'backups', b.file)))).toBe(true);
  });

  it('sends nothing without the token, and nothing that is not a listed backup', async () => {
    const { backups } = (await api(s.url, TOKEN, 'backups.list', {})).body as { backups: Array<{ file: string }> };
    const file = backups[0]!.file;
    for (const headers of [{}, { authorization: 'Bearer wrong' }] as Array<Record<string, string>>) {
      const res = await fetch(`${s.url}/api/backups/${file}`, { headers });
      expect(res.status).toBe(401);
    }
    expect((await fetch(`${s.url}/api/backups/${file}?token=${TOKEN}`)).status).toBe(401);
    writeFileSync(join(dir, 'backups', 'notes.txt'), 'not a backup');
    const auth = { authorization: `Bearer ${TOKEN}` };
    for (const name of ['standby.db', '..%2Fstandby.db', '%2E%2E%2Fstandby.db', 'notes.txt', 'standby-2020-01-01T00-00-00Z.db', `${file}.partial`]) {
      const res = await fetch(`${s.url}/api/backups/${name}`, { headers: auth });
      expect(res.status, name).toBe(404);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('not_found');
    }
  });
});

/**
 * A server that only watches monitors never builds an Intl formatter: the first one makes ICU map
 * its locale data, 6 to 10 MB of resident memory that stays for the life of `standby serve`
 * (docs/performance.md). Checked on the built bundle, which `standby serve` runs (its build defers
 * the formatters packages make as they load, scripts/defer-intl.ts; from the sources, got's
 * @sindresorhus/is still makes two), with a real child server whose Intl constructors report each
 * use on stderr. A question about analytics does build one: that shows the report works.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { engineModule } from '../../../electron/engine/headless/engine-bundle.mjs';
import { api, CHILD_TEST_MS, ROOT, startChild, tempDir, waitFor, type ChildServer } from '../../helpers/headless.ts';

const TOKEN = 'intl-test-token-0123456789-ABCDEFGHIJKLMNOP';
const children: ChildServer[] = [];
let target: Server | undefined;

afterEach(() => {
  for (const c of children) c.child.kill('SIGKILL');
  children.length = 0;
  target?.close();
});

/** SPY replaces each Intl constructor with one that writes "[intl] Name" to stderr, then builds the real one. */
const SPY = `
for (const name of Object.getOwnPropertyNames(Intl)) {
  const Real = Intl[name];
  if (typeof Real !== 'function' || !/^[A-Z]/.test(name)) continue;
  const report = () => process.stderr.write('[intl] ' + name + '\\n');
  Intl[name] = new Proxy(Real, { construct(t, a, n) { report(); return Reflect.construct(t, a, n); }, apply(t, self, a) { report(); return Reflect.apply(t, self, a); } });
}
`;

describe('a server that watches monitors', () => {
  it('builds no Intl formatter (the built bundle, time zone Europe/Berlin, an HTTP monitor checked, the daily backup taken)', { timeout: CHILD_TEST_MS }, async () => {
    expect(engineModule(ROOT, {}), 'the bundle must be built and fresh: npm run build (npm test does)').toMatchObject({ bundled: true });
    const dir = tempDir('standby-intl-');
    let checks = 0;
    target = createServer((_req, res) => {
      checks++;
      res.end('ok');
    });
    await new Promise<void>((r) => target!.listen(0, '127.0.0.1', () => r()));
    const spy = join(dir, 'intl-spy.cjs');
    writeFileSync(spy, SPY);
    const config = join(dir, 'standby.yaml');
    writeFileSync(
      config,
      `version: 1
profile: { name: Ada, email: ada@example.com, phone: "", timeZone: Europe/Berlin }
escalationPolicies:
  - { name: Me, levels: [ { delayMinutes: 30, targets: [ { kind: me } ] } ] }
services:
  - { name: Blog, escalationPolicy: Me }
monitors:
  - { name: Site, kind: http, service: Blog, config: { url: "http://127.0.0.1:${(target.address() as AddressInfo).port}/" }, intervalSeconds: 10, timeoutSeconds: 5 }
`,
    );
    const server = await startChild(['--data-dir', join(dir, 'data'), '--config', config], { STANDBY_TOKEN: TOKEN, STANDBY_ENGINE: '', NODE_OPTIONS: `--require ${spy}` });
    children.push(server);
    await waitFor(() => checks > 0, 'the first check');
    await waitFor(() => server.output().includes('backup (daily)'), 'the backup taken at start');
    expect(server.output()).not.toContain('[intl]');

    const summary = await api(server.url, TOKEN, 'analytics.summary', { window: '30d' });
    expect(summary.status).toBe(200);
    expect(server.output()).toMatch(/\[intl\] [A-Z]\w+/);
  });
});

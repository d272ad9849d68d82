/**
 * A LAN bind is an explicit opt-in: `serve --host <non-loopback>` refuses to start without
 * --allow-lan (before binding anything), and the startup lines say where Standby listens and where
 * alerts go. The allowed LAN bind itself is not exercised: tests bind loopback only.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { CHILD_TEST_MS, startChild, tempDir, waitFor, type ChildServer } from '../../helpers/headless.ts';

const children: ChildServer[] = [];
afterEach(() => {
  for (const c of children) c.child.kill('SIGKILL');
  children.length = 0;
});

describe('serve --host', () => {
  it('refuses an address other machines can reach without --allow-lan', async () => {
    for (const host of ['0.0.0.0', '192.168.1.10', '::']) {
      await expect(startChild(['--data-dir', tempDir(), '--host', host])).rejects.toThrow(new RegExp(`exited with 2[\\s\\S]*--host ${host.replace(/\./g, '\\.')}: other machines on the network could reach Standby there\\. Add --allow-lan`));
    }
  }, CHILD_TEST_MS);

  it('prints where it listens and where alerts go', async () => {
    const s = await startChild(['--data-dir', tempDir(), '--host', '127.0.0.1', '--allow-lan'], { STANDBY_TOKEN: 'lan-test-token-0123456789-ABCDEFGHIJKLMNOPQRST' });
    children.push(s);
    expect(s.output()).toMatch(new RegExp(`Standby \\(headless\\) listening on ${s.url} with data in`));
    await waitFor(() => s.output().includes('Alerts: '), 'the alerts line');
    expect(s.output()).toContain(`Alerts: POST ${s.url}/v2/enqueue (PagerDuty Events API v2) and ${s.url}/integrations/alertmanager (Alertmanager webhook)`);
    expect(s.output()).not.toMatch(/LAN access allowed/);
  }, CHILD_TEST_MS);
});

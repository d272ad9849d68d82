/** The TCP monitor against a real loopback listener. */
import { describe, expect, it } from 'vitest';
import { tcpMonitor } from '../../../../electron/engine/monitors/types/tcp.ts';
import { closedPort, tcpListener } from '../helpers.ts';
import { runCheck } from './check.ts';

describe('tcp monitor', () => {
  it('is up while a listener accepts, down when the port is closed', async () => {
    const l = await tcpListener();
    const up = await runCheck(tcpMonitor, { host: '127.0.0.1', port: l.port });
    expect(up.status).toBe('up');
    expect(up.message).toMatch(new RegExp(`^connected to 127\\.0\\.0\\.1:${l.port} in \\d+ ms$`));
    expect(up.latencyMs).toBeTypeOf('number');
    await l.close();
    const down = await runCheck(tcpMonitor, { host: '127.0.0.1', port: l.port });
    expect(down.status).toBe('down');
    expect(down.message).toMatch(/^cannot connect to 127\.0\.0\.1:\d+: .*ECONNREFUSED/);
  });

  it('names the port rule', async () => {
    expect(tcpMonitor.schema.safeParse({ host: 'db', port: 0 }).error!.issues[0]!.message).toBe('must be 1 to 65535');
    expect(tcpMonitor.needsNetwork({ host: 'db.example.com', port: 5432 })).toBe(true);
    expect(tcpMonitor.needsNetwork({ host: '127.0.0.1', port: await closedPort() })).toBe(false);
  });
});

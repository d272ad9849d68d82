/** TCP port: "is my daemon up?" A connection to host:port that opens within the timeout is up. */
import { connect } from 'node:net';
import { z } from 'zod';
import { defineMonitorType, errorText, isLoopbackHost, round } from '../monitor-type.ts';

/** TcpConfig is a TCP monitor's settings. */
export const TcpConfig = z.strictObject({
  host: z.string().trim().min(1, 'must not be empty').max(253, 'must be at most 253 characters'),
  port: z.number({ error: 'must be a number' }).int('must be a whole number').min(1, 'must be 1 to 65535').max(65535, 'must be 1 to 65535'),
});
export type TcpConfig = z.infer<typeof TcpConfig>;

/** tcpConnect opens a connection and closes it again; it resolves with the time to connect in ms. */
export function tcpConnect(host: string, port: number, signal: AbortSignal): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const socket = connect({ host, port, signal });
    socket.once('connect', () => {
      const ms = performance.now() - started;
      socket.destroy();
      resolve(ms);
    });
    socket.once('error', (err) => {
      socket.destroy();
      reject(err);
    });
  });
}

/** tcpMonitor checks that a TCP port accepts connections. */
export const tcpMonitor = defineMonitorType({
  kind: 'tcp',
  label: 'TCP port',
  description: 'Opens a TCP connection to a host and port: up when it connects within the timeout.',
  schema: TcpConfig,
  confirmsFailures: true,
  startsEarly: true,
  needsNetwork: (c) => !isLoopbackHost(c.host),
  async check(c, ctx) {
    const target = `${c.host}:${c.port}`;
    try {
      const ms = round(await tcpConnect(c.host, c.port, ctx.signal));
      return { status: 'up', message: `connected to ${target} in ${Math.round(ms)} ms`, latencyMs: ms };
    } catch (err) {
      const message = ctx.signal.aborted ? `no connection to ${target} within ${ctx.timeoutMs} ms` : `cannot connect to ${target}: ${errorText(err)}`;
      return { status: 'down', message, details: { host: c.host, port: c.port } };
    }
  },
});

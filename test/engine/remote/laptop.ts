/**
 * The laptop of the two-host test (two-hosts.test.ts), run inside its own network namespace: it pairs
 * with the box at argv[2] using the code argv[3], keeps the remote client open, and reports what the
 * person would see as JSON lines on stdout (state, desktop notifications, incident changes). A line
 * "ack <id>" on stdin is the person pressing Acknowledge in the tray.
 */
import { createInterface } from 'node:readline';
import { pairWithBox } from '../../../electron/engine/remote/pair-client.ts';
import { RemoteClient } from '../../../electron/engine/remote/remote-client.ts';

const [url, code, silence] = process.argv.slice(2);
const say = (o: unknown) => process.stdout.write(`${JSON.stringify(o)}\n`);

try {
  const paired = await pairWithBox({ url: url!, code: code!, name: 'Laptop (two-host test)' });
  say({ type: 'paired', fingerprint256: paired.pin.fingerprint256, deviceId: paired.device.id });
  const client = new RemoteClient({
    pin: paired.pin,
    token: paired.token,
    minBackoffMs: 250,
    maxBackoffMs: 1000,
    silenceMs: Number(silence),
    onState: (s) => say({ type: 'state', ...s }),
    onEvent: (e) => {
      if (e.type === 'incident.changed') say({ type: 'incident', id: e.data.incident.id, title: e.data.incident.title, status: e.data.incident.status });
    },
    onNotify: (n) => {
      say({ type: 'notify', incidentId: n.incidentId, title: n.title });
      return true;
    },
  });
  client.start();
  for await (const line of createInterface({ input: process.stdin })) {
    const m = /^ack (\d+)$/.exec(line.trim());
    if (!m) continue;
    try {
      const done = await client.call('incidents.acknowledge', { id: Number(m[1]) });
      say({ type: 'acked', id: done.id, status: done.status });
    } catch (err) {
      say({ type: 'error', message: (err as Error).message });
    }
  }
  await client.stop();
} catch (err) {
  say({ type: 'error', message: (err as Error).message });
  process.exitCode = 1;
}

/** The DNS monitor against a DNS server the test runs on 127.0.0.1 (UDP, answering A, AAAA and TXT queries). */
import { createSocket, type Socket } from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dnsMonitor, parseResolver } from '../../../../electron/engine/monitors/types/dns.ts';
import { runCheck } from './check.ts';

const TYPE = { A: 1, TXT: 16, AAAA: 28 } as const;
/** AAAA records are their 16 bytes in hex. */
const ZONE: Record<string, { A?: string[]; AAAA?: string[]; TXT?: string[] }> = {
  'app.standby.test': { A: ['10.1.2.3', '10.1.2.4'], AAAA: ['20010db8000000000000000000000001'] },
  'txt.standby.test': { TXT: ['v=spf1 -all'] },
};

/** answer builds an RFC 1035 response to one query: the zone's records, NXDOMAIN for unknown names. */
function answer(query: Buffer): Buffer {
  let at = 12;
  const labels: string[] = [];
  while (query[at]! > 0) {
    labels.push(query.subarray(at + 1, at + 1 + query[at]!).toString('ascii'));
    at += query[at]! + 1;
  }
  const qtype = query.readUInt16BE(at + 1);
  const question = query.subarray(12, at + 5);
  const records = ZONE[labels.join('.').toLowerCase()];
  const rdatas: Buffer[] = [];
  if (records && qtype === TYPE.A) for (const ip of records.A ?? []) rdatas.push(Buffer.from(ip.split('.').map(Number)));
  if (records && qtype === TYPE.AAAA) for (const hex of records.AAAA ?? []) rdatas.push(Buffer.from(hex, 'hex'));
  if (records && qtype === TYPE.TXT) for (const t of records.TXT ?? []) rdatas.push(Buffer.concat([Buffer.from([t.length]), Buffer.from(t)]));
  const header = Buffer.alloc(12);
  query.copy(header, 0, 0, 2);
  header.writeUInt16BE(0x8000 | 0x0400 | (query.readUInt16BE(2) & 0x0100) | 0x0080 | (records ? 0 : 3), 2);
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(rdatas.length, 6);
  const answers = rdatas.map((rd) => {
    const rr = Buffer.alloc(12);
    rr.writeUInt16BE(0xc00c, 0);
    rr.writeUInt16BE(qtype, 2);
    rr.writeUInt16BE(1, 4);
    rr.writeUInt32BE(60, 6);
    rr.writeUInt16BE(rd.length, 10);
    return Buffer.concat([rr, rd]);
  });
  return Buffer.concat([header, question, ...answers]);
}

let server: Socket;
let resolver: string;
let queries = 0;

beforeAll(async () => {
  server = createSocket('udp4');
  server.on('message', (msg, rinfo) => {
    queries++;
    server.send(answer(msg), rinfo.port, rinfo.address);
  });
  await new Promise<void>((r) => server.bind(0, '127.0.0.1', r));
  resolver = `127.0.0.1:${server.address().port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('dns monitor', () => {
  it('is up when the name resolves through the given resolver, with the expected answer', async () => {
    const r = await runCheck(dnsMonitor, { name: 'app.standby.test', resolver, expected: '10.1.2.4' });
    expect(r.status).toBe('up');
    expect(r.message).toMatch(new RegExp(`^A app\\.standby\\.test at ${resolver} resolved to 10\\.1\\.2\\.3, 10\\.1\\.2\\.4 in \\d+ ms$`));
    expect(queries).toBeGreaterThan(0);
    expect((await runCheck(dnsMonitor, { name: 'txt.standby.test', recordType: 'TXT', resolver, expected: 'v=spf1 -all' })).status).toBe('up');
  });

  it('is down on another answer, an unknown name, or no answer', async () => {
    // An IPv6 address matches however it is written (Node answers the compressed lowercase form).
    for (const expected of ['2001:db8::1', '2001:DB8::1', '2001:0db8:0:0:0:0:0:1']) {
      expect((await runCheck(dnsMonitor, { name: 'app.standby.test', recordType: 'AAAA', resolver, expected })).status, expected).toBe('up');
    }
    expect((await runCheck(dnsMonitor, { name: 'app.standby.test', recordType: 'AAAA', resolver, expected: '2001:db8::2' })).status).toBe('down');
    const wrong = await runCheck(dnsMonitor, { name: 'app.standby.test', resolver, expected: '10.9.9.9' });
    expect([wrong.status, wrong.message]).toEqual(['down', `A app.standby.test at ${resolver} answered 10.1.2.3, 10.1.2.4, not 10.9.9.9`]);
    const missing = await runCheck(dnsMonitor, { name: 'missing.standby.test', resolver });
    expect(missing.message).toMatch(/ENOTFOUND/);
    const noData = await runCheck(dnsMonitor, { name: 'app.standby.test', recordType: 'TXT', resolver });
    expect(noData.message).toMatch(/ENODATA/);
    // A resolver that never answers: a UDP socket that reads and stays silent.
    const silent = createSocket('udp4');
    await new Promise<void>((r) => silent.bind(0, '127.0.0.1', r));
    const timeout = await runCheck(dnsMonitor, { name: 'app.standby.test', resolver: `127.0.0.1:${silent.address().port}` }, { timeoutMs: 300 });
    silent.close();
    expect(timeout.status).toBe('down');
  });

  it('reads resolver addresses and needs the network unless the resolver is this computer', () => {
    expect(parseResolver('1.1.1.1')).toEqual({ host: '1.1.1.1', port: 53 });
    expect(parseResolver('[::1]:5353')).toEqual({ host: '::1', port: 5353 });
    expect(parseResolver('dns.google')).toBeUndefined();
    expect(dnsMonitor.schema.safeParse({ name: 'a.test', resolver: 'dns.google' }).error!.issues[0]!.message).toMatch(/must be an IP address/);
    expect(dnsMonitor.needsNetwork(dnsMonitor.schema.parse({ name: 'a.test', resolver }))).toBe(false);
    expect(dnsMonitor.needsNetwork(dnsMonitor.schema.parse({ name: 'a.test' }))).toBe(true);
  });
});

/**
 * Fuzz: thousands of malformed bodies, generated deterministically from a seeded PRNG (wrong types,
 * missing fields, random bytes, deep nesting, huge strings, wrong keys), sent to every inbound
 * route. Every answer must be a 4xx with a message, the server must stay up, and the database must
 * be exactly as it was. Each body comes from its own loopback address (127.1.x.y): from a single
 * address, the wrong keys among them would be throttled as guessing (auth-throttle.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInbound, trigger, type InboundServer } from './inbound-helpers.ts';
import { snapshot } from '../../helpers/headless.ts';
import { rawRequest } from '../../helpers/raw-http.ts';

const SEED = 0x5eed_2026;
/**
 * CASES is sized for a slow, busy machine: client and server share this one process, so the run is
 * CPU-bound. 1000 bodies take about 0.6 s on a quiet machine and still send every kind of malformed
 * body several times (the test checks that); 3000 took 1.5 s quiet, over 30 s with 7 % of one core,
 * and hit the 30 s timeout on a busy CI machine.
 */
const CASES = 1000;
/** KINDS is how many kinds of malformed body the generator makes (see kindOf); each must be sent at least MIN_PER_KIND times. */
const KINDS = 28;
const MIN_PER_KIND = 3;
/** FUZZ_TEST_MS gives the run a budget of its own, with margin for a machine many times slower than a quiet one. */
const FUZZ_TEST_MS = 120_000;

/** mulberry32 is a small seeded PRNG: the same seed gives the same bodies on every run. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = a;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

type Body = string | Uint8Array<ArrayBuffer>;
interface Case {
  path: string;
  body: Body;
  headers?: Record<string, string>;
  what: string;
}

let t: InboundServer;
beforeAll(async () => {
  t = await startInbound();
});
afterAll(() => t.s.close());

function generator(rand: () => number) {
  const int = (n: number) => Math.floor(rand() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  const word = (prefix: string) => `${prefix}-${Math.floor(rand() * 1e9).toString(36)}`;
  const hex32 = () => Array.from({ length: 32 }, () => '0123456789abcdef'[int(16)]).join('');
  const nested = (depth: number) => JSON.parse('{"a":'.repeat(depth) + '1' + '}'.repeat(depth));
  const wrong = {
    string: () => pick<unknown>([int(1000), rand() < 0.5, { x: 1 }, [1, 'a'], -0.5]),
    object: () => pick<unknown>([word('text'), int(10), true, [1, 2]]),
    array: () => pick<unknown>([word('text'), int(10), { href: 'https://x' }, false]),
  };
  const set = (obj: Record<string, unknown>, path: string, value: unknown) => {
    const parts = path.split('.');
    let o = obj;
    for (const p of parts.slice(0, -1)) o = o[p] as Record<string, unknown>;
    if (value === undefined) delete o[parts.at(-1)!];
    else o[parts.at(-1)!] = value;
    return obj;
  };
  const randomBytes = (n: number) => Uint8Array.from({ length: n }, () => int(256));

  /** event is one malformed /v2/enqueue body. */
  const event = (): [Body, string] => {
    const e = trigger(t.key, { dedup_key: word('dk'), links: [{ href: 'https://example.com', text: 'x' }], images: [{ src: 'https://example.com/i.png' }] }) as Record<string, unknown>;
    switch (int(12)) {
      case 0: {
        const field = pick(['routing_key', 'event_action', 'payload', 'payload.summary', 'payload.source', 'payload.severity']);
        return [JSON.stringify(set(e, field, rand() < 0.5 ? undefined : pick([null, '']))), `missing ${field}`];
      }
      case 1: {
        const field = pick(['routing_key', 'payload.summary', 'payload.source', 'payload.component', 'payload.group', 'payload.class', 'payload.timestamp', 'dedup_key', 'client', 'client_url']);
        return [JSON.stringify(set(e, field, wrong.string())), `wrong type for ${field}`];
      }
      case 2:
        return [JSON.stringify(set(e, pick(['payload.severity', 'event_action']), pick<unknown>([word('bad'), int(5), ['critical'], { v: 'info' }, 'CRITICAL', 'Trigger']))), 'unknown enum'];
      case 3: {
        const field = pick(['payload', 'links', 'images', 'links.0', 'images.0']);
        const value = field === 'links' || field === 'images' ? wrong.array() : field === 'payload' ? wrong.object() : pick<unknown>([word('x'), 3, true, [1]]);
        return [JSON.stringify(set(e, field, value)), `wrong container for ${field}`];
      }
      case 4:
        return [JSON.stringify(set(e, pick(['links.0.href', 'images.0.src']), pick<unknown>([undefined, '', int(9)]))), 'bad link or image'];
      case 5:
        return [JSON.stringify(set(e, 'payload.summary', 'S'.repeat(1025 + int(100_000)))), 'huge summary'];
      case 6:
        return [JSON.stringify(set(e, 'dedup_key', 'K'.repeat(256 + int(10_000)))), 'huge dedup_key'];
      case 7:
        return [JSON.stringify(set(e, 'payload.custom_details', nested(33 + int(3000)))), 'deep custom_details'];
      case 8:
        return [JSON.stringify(set(e, 'routing_key', rand() < 0.5 ? hex32() : word('key'))), 'wrong key'];
      case 9:
        return [JSON.stringify({ routing_key: t.key, event_action: pick(['acknowledge', 'resolve']), ...(rand() < 0.5 ? { dedup_key: pick<unknown>(['', '  ', 7, null]) } : {}) }), 'ack/resolve without a dedup_key'];
      case 10:
        return [JSON.stringify(set(e, 'payload.timestamp', word('when'))), 'bad timestamp'];
      default:
        return junk();
    }
  };

  /** junk is a body that is not a JSON object at all. */
  const junk = (): [Body, string] => {
    switch (int(6)) {
      case 0:
        return [randomBytes(1 + int(2000)), 'random bytes'];
      case 1:
        return [pick(['', ' ', 'null', 'true', '42', '"x"', '[]', '{', '}', '{"a":}', '\u0000', '{"routing_key":"x",}']), 'not an object'];
      case 2: {
        const d = 1000 + int(100_000);
        return ['['.repeat(d) + ']'.repeat(d), 'deeply nested array'];
      }
      case 3:
        return ['{"a":'.repeat(5000) + '1' + '}'.repeat(5000), 'deeply nested object'];
      case 4:
        return [JSON.stringify(trigger(t.key)).slice(0, 1 + int(100)), 'truncated JSON'];
      default:
        return [`{"routing_key":"${t.key}","event_action":"trigger","payload":{"summary":"${'\\ud800'.repeat(int(50))}`, 'broken escapes'];
    }
  };

  /** change is one malformed /v2/change/enqueue body. */
  const change = (): [Body, string] => {
    const e: Record<string, unknown> = { routing_key: t.key, payload: { summary: word('deploy'), source: 'ci', custom_details: { n: 1 } }, links: [{ href: 'https://ci' }] };
    switch (int(5)) {
      case 0:
        return [JSON.stringify(set(e, pick(['payload', 'payload.summary', 'routing_key']), pick([undefined, null, '']))), 'change: missing field'];
      case 1:
        return [JSON.stringify(set(e, pick(['payload.summary', 'payload.source', 'payload.timestamp']), wrong.string())), 'change: wrong type'];
      case 2:
        return [JSON.stringify(set(e, 'payload.summary', 'S'.repeat(1025 + int(5000)))), 'change: huge summary'];
      case 3:
        return [JSON.stringify(set(e, 'links', wrong.array())), 'change: bad links'];
      default:
        return junk();
    }
  };

  /** notification is one malformed Alertmanager webhook body. */
  const notification = (): [Body, string] => {
    const alert = { status: 'firing', labels: { alertname: 'A', severity: 'warning' }, annotations: { summary: 's' }, startsAt: '2026-01-01T00:00:00Z', endsAt: '0001-01-01T00:00:00Z', generatorURL: 'http://p', fingerprint: word('fp') };
    const n: Record<string, unknown> = { version: '4', groupKey: word('gk'), truncatedAlerts: 0, status: 'firing', receiver: 'r', groupLabels: {}, commonLabels: {}, commonAnnotations: {}, externalURL: 'http://am', alerts: [alert, { ...alert, fingerprint: word('fp') }] };
    switch (int(6)) {
      case 0:
        return [JSON.stringify(set(n, pick(['version', 'groupKey', 'status', 'alerts']), pick<unknown>([undefined, null, 3, [], { v: 4 }]))), 'am: missing or wrong top-level field'];
      case 1:
        return [JSON.stringify(set(n, pick(['alerts.1.status', 'alerts.0.status']), pick<unknown>([word('st'), 1, null]))), 'am: bad alert status'];
      case 2:
        return [JSON.stringify(set(n, pick(['alerts.1.labels', 'alerts.0.annotations', 'commonLabels', 'groupLabels']), pick<unknown>([{ k: int(5) }, [1], 'x', { k: { n: 1 } }]))), 'am: labels not strings'];
      case 3:
        return [JSON.stringify(set(n, 'alerts.1', pick<unknown>([word('x'), 3, null, []]))), 'am: alert not an object'];
      case 4:
        return [JSON.stringify(set(n, 'truncatedAlerts', pick<unknown>([-1, 1.5, 'many']))), 'am: bad truncatedAlerts'];
      default:
        return junk();
    }
  };

  return (i: number): Case => {
    const r = rand();
    if (i % 300 === 7) return { path: '/v2/enqueue', body: JSON.stringify(trigger(t.key, {}, { custom_details: { blob: 'x'.repeat(512 * 1024 + int(1000)) } })), what: 'over 512 KB' };
    if (r < 0.6) {
      const [body, what] = event();
      return { path: '/v2/enqueue', body, what };
    }
    if (r < 0.75) {
      const [body, what] = change();
      return { path: '/v2/change/enqueue', body, what };
    }
    if (r < 0.8) return { path: '/integrations/alertmanager', body: '{}', headers: { authorization: `Bearer ${rand() < 0.5 ? hex32() : t.key}` }, what: 'am: wrong key' };
    const [body, what] = notification();
    return { path: rand() < 0.5 ? '/integrations/alertmanager' : `/integrations/alertmanager/${t.amAlertKey}`, body, headers: { authorization: `Bearer ${t.amGroupKey}` }, what };
  };
}

/** kindOf names a case's kind: its description without the field it picked ("missing payload.summary" is "missing"). */
function kindOf(what: string): string {
  return what.replace(/ for \S+$/, '').replace(/^missing [\w.]+$/, 'missing');
}

describe('fuzz', () => {
  it(`${CASES} malformed bodies: every answer a 4xx with a message, the server up, the database unchanged`, { timeout: FUZZ_TEST_MS }, async () => {
    const next = generator(mulberry32(SEED));
    const cases = Array.from({ length: CASES }, (_, i) => next(i));
    const kinds = Map.groupBy(cases, (c) => kindOf(c.what));
    expect(kinds.size).toBe(KINDS);
    expect([...kinds].filter(([, cs]) => cs.length < MIN_PER_KIND).map(([kind, cs]) => `${kind}: ${cs.length}`)).toEqual([]);
    const before = snapshot(t.s.engine.store.db);
    const failures: string[] = [];
    const seen = new Map<string, number>();
    let i = 0;
    const worker = async () => {
      while (i < cases.length) {
        const n = i++;
        const c = cases[n]!;
        let status = 0;
        let message: unknown;
        try {
          const res = await rawRequest(t.url, { method: 'POST', path: c.path, headers: { 'content-type': 'application/json', ...c.headers }, body: c.body, localAddress: `127.1.${n >> 8}.${n & 255}` });
          status = res.status;
          message = (JSON.parse(res.body) as { message?: unknown }).message;
        } catch (err) {
          message = `request failed: ${(err as Error).message}`;
        }
        seen.set(`${status}`, (seen.get(`${status}`) ?? 0) + 1);
        if (status < 400 || status > 499 || typeof message !== 'string' || message === '') failures.push(`#${n} ${c.what} -> ${status} ${String(message)}`);
      }
    };
    await Promise.all(Array.from({ length: 16 }, worker));
    expect(failures.slice(0, 10)).toEqual([]);
    expect([...seen.keys()].sort()).toEqual(['400', '401', '413']);
    expect(snapshot(t.s.engine.store.db)).toEqual(before);
    // Still up and still working.
    expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
    const ok = await fetch(`${t.url}/v2/enqueue`, { method: 'POST', body: JSON.stringify(trigger(t.key, { dedup_key: 'after-fuzz' })) });
    expect(ok.status).toBe(202);
  });
});

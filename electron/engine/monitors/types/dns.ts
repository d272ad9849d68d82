/**
 * DNS: a name resolves, for a record type, optionally to an expected value, through the system's
 * resolvers or a given one ("1.1.1.1", "127.0.0.1:5353", "[::1]:53"). Uses node:dns's Resolver
 * (c-ares), so it asks DNS servers and never reads /etc/hosts.
 */
import { Resolver } from 'node:dns/promises';
import { isIP } from 'node:net';
import { z } from 'zod';
import { defineMonitorType, errorText, isLoopbackHost, round } from '../monitor-type.ts';

/** RecordType is a DNS record type the monitor can ask for. */
export const RecordType = z.enum(['A', 'AAAA', 'CNAME', 'MX', 'NS', 'TXT']);

const hostname = z
  .string()
  .trim()
  .max(253, 'must be at most 253 characters')
  .regex(/^(?!-)[A-Za-z0-9_-]{1,63}(?<!-)(\.(?!-)[A-Za-z0-9_-]{1,63}(?<!-))*\.?$/, 'must be a domain name such as "example.com"');

/** parseResolver splits "ip", "ip:port" or "[ipv6]:port" into host and port; undefined when it is none of those. */
export function parseResolver(s: string): { host: string; port: number } | undefined {
  const v6 = /^\[([0-9a-fA-F:.]+)\](?::(\d{1,5}))?$/.exec(s);
  const v4 = /^(\d{1,3}(?:\.\d{1,3}){3})(?::(\d{1,5}))?$/.exec(s);
  const m = v6 ?? v4 ?? (isIP(s) === 6 ? [s, s, undefined] : null);
  if (!m || isIP(m[1]!) === 0) return undefined;
  const port = m[2] === undefined ? 53 : Number(m[2]);
  return port >= 1 && port <= 65535 ? { host: m[1]!, port } : undefined;
}

/** DnsConfig is a DNS monitor's settings. */
export const DnsConfig = z.strictObject({
  name: hostname,
  recordType: RecordType.default('A'),
  /** expected: one of the answers must equal this (case-insensitive for names; an MX answer is its exchange). */
  expected: z.string().trim().min(1, 'must not be empty').max(1000).optional(),
  /** resolver: the DNS server to ask, as "ip", "ip:port" or "[ipv6]:port"; the system's resolvers when absent. */
  resolver: z.string().trim().refine((s) => parseResolver(s) !== undefined, 'must be an IP address with an optional port, such as "1.1.1.1", "127.0.0.1:5353" or "[::1]:53"').optional(),
});
export type DnsConfig = z.infer<typeof DnsConfig>;

const bare = (name: string) => name.replace(/\.$/, '').toLowerCase();

/** answersFor asks a resolver for one record type and gives each answer as a string. */
async function answersFor(r: Resolver, name: string, type: z.infer<typeof RecordType>): Promise<string[]> {
  switch (type) {
    case 'A':
      return r.resolve4(name);
    case 'AAAA':
      return r.resolve6(name);
    case 'CNAME':
      return r.resolveCname(name);
    case 'NS':
      return r.resolveNs(name);
    case 'MX':
      return (await r.resolveMx(name)).map((m) => m.exchange);
    case 'TXT':
      return (await r.resolveTxt(name)).map((chunks) => chunks.join(''));
  }
}

/** ipv6 writes an IPv6 address one way (compressed, lowercase, as the resolver answers), so "2001:DB8::1" matches "2001:db8::1". */
function ipv6(s: string): string {
  try {
    return new URL(`http://[${s.trim()}]/`).hostname.slice(1, -1);
  } catch {
    return s.trim().toLowerCase();
  }
}

/** dnsMonitor checks that a name resolves (to an expected value). */
export const dnsMonitor = defineMonitorType({
  kind: 'dns',
  label: 'DNS',
  description: 'Resolves a name for a record type, optionally through a given DNS server, and checks for an expected answer.',
  schema: DnsConfig,
  confirmsFailures: true,
  startsEarly: true,
  needsNetwork: (c) => c.resolver === undefined || !isLoopbackHost(parseResolver(c.resolver)!.host),
  async check(c, ctx) {
    const r = new Resolver({ timeout: ctx.timeoutMs, tries: 1 });
    if (c.resolver !== undefined) {
      const s = parseResolver(c.resolver)!;
      r.setServers([isIP(s.host) === 6 ? `[${s.host}]:${s.port}` : `${s.host}:${s.port}`]);
    }
    const cancel = () => r.cancel();
    ctx.signal.addEventListener('abort', cancel, { once: true });
    const what = `${c.recordType} ${c.name}${c.resolver ? ` at ${c.resolver}` : ''}`;
    const started = performance.now();
    try {
      const answers = await answersFor(r, c.name, c.recordType);
      const ms = round(performance.now() - started);
      const details = { name: c.name, recordType: c.recordType, answers: answers.slice(0, 20), ...(c.resolver ? { resolver: c.resolver } : {}) };
      if (c.expected !== undefined) {
        const names = c.recordType === 'AAAA' ? ipv6 : c.recordType === 'A' || c.recordType === 'TXT' ? (s: string) => s : bare;
        if (!answers.some((a) => names(a) === names(c.expected!))) {
          return { status: 'down', message: `${what} answered ${answers.join(', ') || 'nothing'}, not ${c.expected}`, latencyMs: ms, details };
        }
      }
      return { status: 'up', message: `${what} resolved to ${answers.slice(0, 3).join(', ')}${answers.length > 3 ? ', ...' : ''} in ${Math.round(ms)} ms`, latencyMs: ms, details };
    } catch (err) {
      const message = ctx.signal.aborted ? `${what}: no answer within ${ctx.timeoutMs} ms` : `${what}: ${errorText(err)}`;
      return { status: 'down', message, details: { name: c.name, recordType: c.recordType, error: (err as NodeJS.ErrnoException).code ?? null } };
    } finally {
      ctx.signal.removeEventListener('abort', cancel);
    }
  },
});

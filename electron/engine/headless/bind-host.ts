/**
 * resolveBindHost decides what `--host` binds. An IP literal is used as given; a name is resolved
 * once, here, and Standby binds the address it resolved to (so a name cannot resolve to loopback
 * for this check and to something else for the bind). Without --allow-lan the address must be a
 * loopback one: a name such as `127.evil.example` is a name like any other, not a loopback address,
 * and a name that does not resolve is refused.
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { isLoopbackIp, localIp } from '../http/host-check.ts';

/** Lookup resolves a name to all its addresses (dns.lookup with all: true). */
export type Lookup = (name: string) => Promise<Array<{ address: string }>>;

const systemLookup: Lookup = (name) => dnsLookup(name, { all: true, verbatim: true });

/** BindHost is the address to bind, or why not (a message naming --host and the rule). */
export type BindHost = { ok: true; address: string; lan: boolean } | { ok: false; message: string };

/** isWildcard tells whether an address binds every interface. */
export function isWildcard(address: string): boolean {
  return address === '0.0.0.0' || address === '::';
}

const lanHint = 'Add --allow-lan to allow that (it then needs TLS, see --help), or use --host 127.0.0.1 to keep it local.';

/** resolveBindHost checks --host against --allow-lan and answers the IP address to bind. */
export async function resolveBindHost(host: string, allowLan: boolean, lookup: Lookup = systemLookup): Promise<BindHost> {
  if (isIP(host) !== 0) {
    const loopback = isLoopbackIp(localIp(host));
    if (!loopback && !allowLan) return { ok: false, message: `--host ${host}: other machines on the network could reach Standby there. ${lanHint}` };
    return { ok: true, address: host, lan: !loopback };
  }
  if (!/^[A-Za-z0-9.-]+$/.test(host)) return { ok: false, message: `--host ${host}: must be an IP address (such as 127.0.0.1) or a host name` };
  let addresses: string[];
  try {
    addresses = (await lookup(host)).map((a) => a.address);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    return { ok: false, message: `--host ${host}: the name does not resolve to an address (${code}). Give an IP address such as 127.0.0.1.` };
  }
  if (addresses.length === 0) return { ok: false, message: `--host ${host}: the name does not resolve to an address. Give an IP address such as 127.0.0.1.` };
  const outside = addresses.filter((a) => !isLoopbackIp(localIp(a)));
  if (outside.length > 0 && !allowLan) {
    return { ok: false, message: `--host ${host}: the name resolves to ${outside.join(', ')}, which is not a loopback address, so other machines could reach Standby there. ${lanHint}` };
  }
  const address = addresses[0] as string;
  return { ok: true, address, lan: !isLoopbackIp(localIp(address)) };
}

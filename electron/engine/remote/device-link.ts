/**
 * The desktop app's link to its box, as kept on this computer: where the box is and the certificate
 * pinned at pairing in `remote.json` in the data directory (mode 0600; nothing secret, but nobody else's
 * business), and the device's token in the OS keychain (or the secrets file), under a name of its own
 * that the link file records. A link file present means the app runs in remote mode: no local engine,
 * the window and the tray on the box.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { writePrivateFile } from '../private-file.ts';
import type { SecretStore } from '../secrets/secret-store.ts';
import type { Paired } from './pair-client.ts';
import { fingerprintOf, type BoxPin } from './pin.ts';

/** LINK_FILE is the link's file in the data directory. */
export const LINK_FILE = 'remote.json';

const LinkFile = z.strictObject({
  url: z.string().url(),
  fingerprint256: z.string().min(1),
  certificatePem: z.string().min(1),
  deviceId: z.number().int(),
  deviceName: z.string().min(1),
  /** tokenRef names the secret that holds this device's token. */
  tokenRef: z.string().regex(/^standby\.remote\.[0-9a-f]{16}$/),
  pairedAt: z.string(),
});

/** DeviceLink is what this computer keeps about its box (the token apart, in the secret store). */
export type DeviceLink = z.infer<typeof LinkFile>;

/** LinkFileError says the link file cannot be used, naming the file and what to do. */
export class LinkFileError extends Error {
  override readonly name = 'LinkFileError';
}

/** linkPath is the link file of a data directory. */
export function linkPath(dataDir: string): string {
  return join(dataDir, LINK_FILE);
}

/** readLink answers the link of a data directory, or undefined when it has none (local mode). */
export function readLink(dataDir: string): DeviceLink | undefined {
  const path = linkPath(dataDir);
  if (!existsSync(path)) return undefined;
  let parsed;
  try {
    parsed = LinkFile.safeParse(JSON.parse(readFileSync(path, 'utf8')));
  } catch (err) {
    throw new LinkFileError(`${path} is not JSON (${(err as Error).message}); remove it to use Standby on this computer alone, or pair again`);
  }
  if (!parsed.success) throw new LinkFileError(`${path} is not a link to a box Standby made (${parsed.error.issues[0]?.path.join('.') ?? 'file'}: ${parsed.error.issues[0]?.message ?? 'unknown'}); remove it to use Standby on this computer alone, or pair again`);
  // The pinned certificate is the trust: a fingerprint that is not the certificate's own is a damaged file.
  if (fingerprintOf(parsed.data.certificatePem) !== parsed.data.fingerprint256) throw new LinkFileError(`${path}: the pinned certificate does not match its fingerprint; pair again`);
  return parsed.data;
}

/** pinOf is the link's pinned box. */
export function pinOf(link: DeviceLink): BoxPin {
  return { url: link.url, fingerprint256: link.fingerprint256, certificatePem: link.certificatePem };
}

/** saveLink keeps a new pairing: the token in the secret store first, then the link file that points at it. */
export async function saveLink(dataDir: string, secrets: SecretStore, paired: Paired, deviceName: string, now: number): Promise<DeviceLink> {
  const link: DeviceLink = {
    url: paired.pin.url,
    fingerprint256: paired.pin.fingerprint256,
    certificatePem: paired.pin.certificatePem,
    deviceId: paired.device.id,
    deviceName,
    tokenRef: `standby.remote.${randomBytes(8).toString('hex')}`,
    pairedAt: new Date(now).toISOString(),
  };
  await secrets.set(link.tokenRef, paired.token);
  writePrivateFile(linkPath(dataDir), `${JSON.stringify(link, null, 2)}\n`);
  return link;
}

/** TOKEN_READ_TIMEOUT_MS bounds reading the token at start: a locked keychain that never answers must not hold the app. */
export const TOKEN_READ_TIMEOUT_MS = 10_000;

/** readToken reads the device's token, or explains in words why it cannot (also when the keychain does not answer in time). */
export async function readToken(secrets: SecretStore, link: DeviceLink, timeoutMs = TOKEN_READ_TIMEOUT_MS): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new LinkFileError(`the ${secrets.kind} did not answer within ${timeoutMs / 1000} s when asked for this computer's token for ${link.url}: unlock it and start Standby again, or pair again`)), timeoutMs);
    timer.unref();
  });
  const token = await Promise.race([secrets.get(link.tokenRef), late]).finally(() => clearTimeout(timer));
  if (!token) throw new LinkFileError(`this computer's token for ${link.url} is not in the ${secrets.kind} (${link.tokenRef}); pair again with a new code from the box`);
  return token;
}

/** forgetLink removes the link and its token: the app runs on its own again. */
export async function forgetLink(dataDir: string, secrets: SecretStore, link: DeviceLink | undefined): Promise<void> {
  if (link) await secrets.delete(link.tokenRef).catch(() => {});
  rmSync(linkPath(dataDir), { force: true });
}

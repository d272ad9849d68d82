/**
 * Signed, expiring, single-use links to acknowledge or resolve an incident from a phone. A token is
 * 18 bytes (version, incident id, action, expiry, random nonce) and a 16-byte HMAC-SHA256 tag with a
 * key kept in the secret store, both base64url: short enough for an SMS. The signature proves Standby
 * issued it, the expiry bounds it, and `ack_link_uses` makes it single use.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { AckSettings, type ChannelSettingsOf } from '../../shared/channel-schemas.ts';
import type { Clock } from '../clock.ts';
import type { SecretStore } from '../secrets/secret-store.ts';
import type { Store } from '../store/database.ts';
import type { AckLinkSet } from './channel.ts';
import { joinUrl } from './settings.ts';

/** ACK_KEY_REF is the secret store entry holding the links' signing key (made on first use). */
export const ACK_KEY_REF = 'standby.ackSigningKey';
/** DEFAULT_ACK_TTL_MINUTES is how long a link works unless `channels.ack.ttlMinutes` says otherwise. */
export const DEFAULT_ACK_TTL_MINUTES = 24 * 60;
/** ACK_PATH is where the links point, under the public base URL. */
export const ACK_PATH = '/ack/';

const VERSION = 1;
const PAYLOAD_BYTES = 18;
// A 128-bit tag: HMAC truncation to at least 64 bits is allowed by NIST SP 800-107 section 5.3.4.
const TAG_BYTES = 16;

/** AckAction is what a link does. */
export type AckAction = 'acknowledge' | 'resolve';

/** AckCheck is a token's verdict: valid (with what it does), or why it does nothing. */
export type AckCheck =
  | { ok: true; incidentId: number; action: AckAction; nonce: string; expiresAt: number }
  | { ok: false; reason: 'malformed' | 'forged' | 'expired' | 'used'; message: string };

/** AckLinksDeps are what the links need: storage for used nonces, the key's store, time and the settings. */
export interface AckLinksDeps {
  store: Store;
  secrets: SecretStore;
  clock: Clock;
  settings: () => Record<string, unknown> | undefined;
}

/** AckLinks issues and checks ack links. */
export class AckLinks {
  private readonly d: AckLinksDeps;
  private key: Promise<Buffer> | undefined;

  constructor(deps: AckLinksDeps) {
    this.d = deps;
  }

  /** config returns the ack settings when links are enabled. */
  config(): ChannelSettingsOf<'ack'> | undefined {
    const r = AckSettings.safeParse(this.d.settings());
    return r.success && r.data.enabled && r.data.publicBaseUrl ? r.data : undefined;
  }

  /** issue makes a pair of links for an incident, or returns undefined when links are off; it throws SecretStoreError without a key store. */
  async issue(incidentId: number): Promise<AckLinkSet | undefined> {
    const cfg = this.config();
    if (!cfg?.publicBaseUrl) return undefined;
    const key = await this.signingKey();
    const expiresAt = this.d.clock.now() + (cfg.ttlMinutes ?? DEFAULT_ACK_TTL_MINUTES) * 60_000;
    const link = (action: AckAction) => joinUrl(cfg.publicBaseUrl as string, `${ACK_PATH}${sign(key, incidentId, action, expiresAt)}`);
    return { acknowledge: link('acknowledge'), resolve: link('resolve'), expiresAt: new Date(expiresAt).toISOString() };
  }

  /** check verifies a token: its form, signature, expiry and that it was not used. */
  async check(token: string): Promise<AckCheck> {
    const m = /^([A-Za-z0-9_-]{24})\.([A-Za-z0-9_-]{22})$/.exec(token);
    if (!m) return { ok: false, reason: 'malformed', message: 'This link is not a Standby link (it may have been cut short: open the whole link).' };
    const payload = Buffer.from(m[1]!, 'base64url');
    const tag = Buffer.from(m[2]!, 'base64url');
    // Only the canonical encoding: base64url has several spellings of the same bytes in its last character.
    const canonical = payload.toString('base64url') === m[1] && tag.toString('base64url') === m[2];
    if (!canonical || payload.length !== PAYLOAD_BYTES || tag.length !== TAG_BYTES || payload[0] !== VERSION) {
      return { ok: false, reason: 'malformed', message: 'This link is not a Standby link (it may have been cut short: open the whole link).' };
    }
    const key = await this.signingKey();
    if (!timingSafeEqual(tag, mac(key, payload))) return { ok: false, reason: 'forged', message: 'This link was not issued by this Standby (its signature does not match), so it does nothing.' };
    const incidentId = payload.readUInt32BE(1);
    const action: AckAction = payload[5] === 2 ? 'resolve' : 'acknowledge';
    const expiresAt = payload.readUInt32BE(6) * 1000;
    const nonce = payload.subarray(10).toString('base64url');
    if (this.d.clock.now() >= expiresAt) return { ok: false, reason: 'expired', message: `This link expired at ${new Date(expiresAt).toISOString()}, so it does nothing. Open Standby to ${action} the incident.` };
    const used = this.d.store.db.prepare('SELECT used_at FROM ack_link_uses WHERE nonce = ?').get(nonce) as { used_at: number } | undefined;
    if (used) return { ok: false, reason: 'used', message: `This link was already used at ${new Date(used.used_at).toISOString()}; a link works once.` };
    return { ok: true, incidentId, action, nonce, expiresAt };
  }

  /** markUsed records a link as used (call inside the transaction that acts); false when it already was. */
  markUsed(nonce: string, incidentId: number, action: AckAction, now: number): boolean {
    const r = this.d.store.db.prepare('INSERT INTO ack_link_uses (nonce, incident_id, action, used_at) VALUES (?, ?, ?, ?) ON CONFLICT(nonce) DO NOTHING').run(nonce, incidentId, action, now);
    return Number(r.changes) === 1;
  }

  /** signingKey reads (or makes, once: concurrent deliveries share one promise) the key; a failure is retried next time. */
  private signingKey(): Promise<Buffer> {
    this.key ??= (async () => {
      let stored = await this.d.secrets.get(ACK_KEY_REF);
      if (!stored) {
        stored = randomBytes(32).toString('base64url');
        await this.d.secrets.set(ACK_KEY_REF, stored);
      }
      return Buffer.from(stored, 'utf8');
    })().catch((err: unknown) => {
      this.key = undefined;
      throw err;
    });
    return this.key;
  }
}

function mac(key: Buffer, payload: Buffer): Buffer {
  return createHmac('sha256', key).update(payload).digest().subarray(0, TAG_BYTES);
}

/** sign builds a token: base64url(payload) "." base64url(tag). */
function sign(key: Buffer, incidentId: number, action: AckAction, expiresAt: number): string {
  const payload = Buffer.alloc(PAYLOAD_BYTES);
  payload[0] = VERSION;
  payload.writeUInt32BE(incidentId, 1);
  payload[5] = action === 'resolve' ? 2 : 1;
  payload.writeUInt32BE(Math.floor(expiresAt / 1000), 6);
  randomBytes(8).copy(payload, 10);
  return `${payload.toString('base64url')}.${mac(key, payload).toString('base64url')}`;
}

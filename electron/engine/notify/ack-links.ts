/**
 * Signed, expiring, single-use, revocable links to acknowledge or resolve an incident from a phone. A
 * token is 21 bytes (version, incident id, action, expiry, generation, random nonce) and a 16-byte
 * HMAC-SHA256 tag, both base64url (51 characters): short enough for an SMS. The tag is keyed with
 * this installation's signing key (in the secret store) over the installation id and the payload, so
 * a link works only in the Standby that issued it, even where two share a key (environment variables).
 * The signature proves Standby issued it, the expiry bounds it, `ack_link_uses` makes it single use,
 * and the generation (ack-generation.ts) revokes it: turning ack links off or rotating the signing key
 * starts a new generation, and only links of the current one act. Links made before generations
 * (version 1, signed with the key every data directory shared) are all refused.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { AckSettings, type ChannelSettingsOf } from '../../shared/channel-schemas.ts';
import type { Clock } from '../clock.ts';
import { keyStrengthProblem } from '../secrets/key-strength.ts';
import { envVarFor, SecretStoreError, type SecretStore } from '../secrets/secret-store.ts';
import type { Store } from '../store/database.ts';
import { readInstallation } from '../store/installation-repo.ts';
import { AckGenerations, type AckLinkState } from './ack-generation.ts';
import type { AckLinkSet } from './channel.ts';
import { joinUrl } from './settings.ts';

/** ACK_KEY_REF is the secret store entry holding the links' signing key (made on first use). */
export const ACK_KEY_REF = 'standby.ackSigningKey';
/** DEFAULT_ACK_TTL_MINUTES is how long a link works unless `channels.ack.ttlMinutes` says otherwise. */
export const DEFAULT_ACK_TTL_MINUTES = 24 * 60;
/** ACK_PATH is where the links point, under the public base URL. */
export const ACK_PATH = '/ack/';

const VERSION = 2;
const PAYLOAD_BYTES = 21;
/** MAX_GENERATION is the largest generation a token's 3 bytes carry. */
const MAX_GENERATION = 0xffffff;
// A 128-bit tag: HMAC truncation to at least 64 bits is allowed by NIST SP 800-107 section 5.3.4.
const TAG_BYTES = 16;

/** AckAction is what a link does. */
export type AckAction = 'acknowledge' | 'resolve';

/** AckCheck is a token's verdict: valid (with what it does), or why it does nothing. */
export type AckCheck =
  | { ok: true; incidentId: number; action: AckAction; nonce: string; expiresAt: number; generation: number }
  | { ok: false; reason: 'off' | 'malformed' | 'forged' | 'revoked' | 'expired' | 'used'; message: string };

const NOT_A_LINK = 'This link is not a Standby link (it may have been cut short: open the whole link).';
const OPEN_STANDBY = 'Open Standby to acknowledge or resolve the incident.';

/** AckLinksDeps are what the links need: storage for used nonces, the key's store, time, the settings and the log. */
export interface AckLinksDeps {
  store: Store;
  secrets: SecretStore;
  clock: Clock;
  settings: () => Record<string, unknown> | undefined;
  log?: (line: string) => void;
}

/** AckLinks issues and checks ack links. */
export class AckLinks {
  private readonly d: AckLinksDeps;
  private key: Promise<Buffer> | undefined;
  private installationId: string | undefined;

  /** generations numbers the generations of links: a new one revokes every link issued before. */
  readonly generations: AckGenerations;

  constructor(deps: AckLinksDeps) {
    this.d = deps;
    this.generations = new AckGenerations(deps.store, () => this.config() !== undefined, deps.log ?? (() => {}));
  }

  /** config returns the ack settings when links are enabled. */
  config(): ChannelSettingsOf<'ack'> | undefined {
    const stored = this.d.settings();
    // Never set up (the default): off, without a failed parse per page.
    if (stored === undefined) return undefined;
    const r = AckSettings.safeParse(stored);
    return r.success && r.data.enabled && r.data.publicBaseUrl ? r.data : undefined;
  }

  /** issue makes a pair of links for an incident, or returns undefined when links are off; it throws SecretStoreError without a key store. */
  async issue(incidentId: number): Promise<AckLinkSet | undefined> {
    const cfg = this.config();
    if (!cfg?.publicBaseUrl) return undefined;
    const key = await this.signingKey();
    const { generation } = this.state();
    const expiresAt = this.d.clock.now() + (cfg.ttlMinutes ?? DEFAULT_ACK_TTL_MINUTES) * 60_000;
    const link = (action: AckAction) => joinUrl(cfg.publicBaseUrl as string, `${ACK_PATH}${this.sign(key, { incidentId, action, expiresAt, generation })}`);
    return { acknowledge: link('acknowledge'), resolve: link('resolve'), expiresAt: new Date(expiresAt).toISOString() };
  }

  /**
   * check verifies a token: that ack links are on, its form, signature, generation (not revoked), expiry
   * and that it was not used. While links are off it reads no key and answers `off`.
   */
  async check(token: string): Promise<AckCheck> {
    if (!this.config()) return { ok: false, reason: 'off', message: `Acknowledging from the phone is turned off in this Standby, so this link does nothing. ${OPEN_STANDBY}` };
    const m = /^([A-Za-z0-9_-]{24}|[A-Za-z0-9_-]{28})\.([A-Za-z0-9_-]{22})$/.exec(token);
    if (!m) return { ok: false, reason: 'malformed', message: NOT_A_LINK };
    const payload = Buffer.from(m[1]!, 'base64url');
    const tag = Buffer.from(m[2]!, 'base64url');
    // Only the canonical encoding: base64url has several spellings of the same bytes in its last character.
    const canonical = payload.toString('base64url') === m[1] && tag.toString('base64url') === m[2];
    if (canonical && payload.length === 18 && payload[0] === 1) {
      return { ok: false, reason: 'revoked', message: `This link was sent before Standby was updated to bind links to one installation, so it no longer works. ${OPEN_STANDBY}` };
    }
    if (!canonical || payload.length !== PAYLOAD_BYTES || tag.length !== TAG_BYTES || payload[0] !== VERSION) return { ok: false, reason: 'malformed', message: NOT_A_LINK };
    const key = await this.signingKey();
    const generation = payload.readUIntBE(10, 3);
    const state = this.state();
    if (!timingSafeEqual(tag, this.mac(key, payload))) {
      // An older generation is reported as revoked even unsigned: it does nothing either way, and after a rotation its signature cannot match.
      if (generation < state.generation) return this.revoked(generation, state);
      return { ok: false, reason: 'forged', message: 'This link was not issued by this Standby (its signature does not match), so it does nothing.' };
    }
    if (generation !== state.generation) return this.revoked(generation, state);
    const incidentId = payload.readUInt32BE(1);
    const action: AckAction = payload[5] === 2 ? 'resolve' : 'acknowledge';
    const expiresAt = payload.readUInt32BE(6) * 1000;
    const nonce = payload.subarray(13).toString('base64url');
    if (this.d.clock.now() >= expiresAt) return { ok: false, reason: 'expired', message: `This link expired at ${new Date(expiresAt).toISOString()}, so it does nothing. Open Standby to ${action} the incident.` };
    const used = this.d.store.db.prepare('SELECT used_at FROM ack_link_uses WHERE nonce = ?').get(nonce) as { used_at: number } | undefined;
    if (used) return { ok: false, reason: 'used', message: `This link was already used at ${new Date(used.used_at).toISOString()}; a link works once.` };
    return { ok: true, incidentId, action, nonce, expiresAt, generation };
  }

  /** stillValid tells, inside the transaction that acts, whether links are still on and of the checked link's generation (nothing revoked it meanwhile). */
  stillValid(check: { generation: number }): boolean {
    return this.config() !== undefined && this.state().generation === check.generation;
  }

  /** markUsed records a link as used (call inside the transaction that acts); false when it already was. */
  markUsed(nonce: string, incidentId: number, action: AckAction, now: number): boolean {
    const r = this.d.store.db.prepare('INSERT INTO ack_link_uses (nonce, incident_id, action, used_at) VALUES (?, ?, ?, ?) ON CONFLICT(nonce) DO NOTHING').run(nonce, incidentId, action, now);
    return Number(r.changes) === 1;
  }

  /**
   * rotate makes a new signing key and starts a new generation, so every link issued before does
   * nothing. It throws SecretStoreError when the key cannot be stored (a locked keychain; environment
   * variables, which Standby cannot write), and then changes nothing.
   */
  async rotate(): Promise<void> {
    if (this.d.secrets.perProcess) {
      throw new SecretStoreError(
        `the key comes from the environment variable ${envVarFor(ACK_KEY_REF)}, which Standby cannot change: put a new key there (\`openssl rand -base64 32\`) and restart Standby, and every link issued before does nothing. To revoke the links without a new key, turn ack links off and on again`,
        'refused',
      );
    }
    const key = randomBytes(32).toString('base64url');
    await this.d.secrets.set(ACK_KEY_REF, key);
    this.key = Promise.resolve(Buffer.from(key, 'utf8'));
    this.generations.rotated();
  }

  /** state reads the current generation of links. */
  private state(): AckLinkState {
    return this.generations.current();
  }

  /** revoked says why a link of another generation does nothing. */
  private revoked(generation: number, state: AckLinkState): AckCheck {
    let why = 'acknowledging from the phone was turned off, or the signing key was rotated, after it was sent';
    if (generation > state.generation) why = "it belongs to a later state of this Standby's database than the one it has now (was the database restored from a backup?)";
    else if (generation === state.generation - 1 && state.revokedReason === 'off') why = 'acknowledging from the phone was turned off after it was sent';
    else if (generation === state.generation - 1 && state.revokedReason === 'rotated') why = 'the signing key was rotated after it was sent';
    return { ok: false, reason: 'revoked', message: `This link was revoked: ${why}, so it does nothing. ${OPEN_STANDBY}` };
  }

  /** mac is the 128-bit tag of a payload, keyed with the signing key, over this installation's id and the payload. */
  private mac(key: Buffer, payload: Buffer): Buffer {
    this.installationId ??= readInstallation(this.d.store).id;
    return createHmac('sha256', key).update(`standby-ack-link\0${this.installationId}\0`).update(payload).digest().subarray(0, TAG_BYTES);
  }

  /** sign builds a token: base64url(payload) "." base64url(tag). */
  private sign(key: Buffer, p: { incidentId: number; action: AckAction; expiresAt: number; generation: number }): string {
    if (p.generation > MAX_GENERATION) throw new Error(`ack links cannot be issued: the link generation passed ${MAX_GENERATION}`);
    const payload = Buffer.alloc(PAYLOAD_BYTES);
    payload[0] = VERSION;
    payload.writeUInt32BE(p.incidentId, 1);
    payload[5] = p.action === 'resolve' ? 2 : 1;
    payload.writeUInt32BE(Math.floor(p.expiresAt / 1000), 6);
    payload.writeUIntBE(p.generation, 10, 3);
    randomBytes(8).copy(payload, 13);
    return `${payload.toString('base64url')}.${this.mac(key, payload).toString('base64url')}`;
  }

  /**
   * signingKey reads (or makes, once: concurrent deliveries share one promise) the key; a failure is
   * retried next time. A key that is not at least 32 random bytes (one given in the environment) is
   * refused with the variable's name and the rule.
   */
  private signingKey(): Promise<Buffer> {
    this.key ??= (async () => {
      let stored = await this.d.secrets.get(ACK_KEY_REF);
      if (!stored) {
        stored = randomBytes(32).toString('base64url');
        await this.d.secrets.set(ACK_KEY_REF, stored);
      }
      const problem = keyStrengthProblem(stored);
      if (problem) {
        const where = this.d.secrets.perProcess ? envVarFor(ACK_KEY_REF) : `The ack links' signing key in the ${this.d.secrets.kind} ("${ACK_KEY_REF}"; rotate it to replace it)`;
        throw new SecretStoreError(`${where} ${problem}`, 'refused');
      }
      return Buffer.from(stored, 'utf8');
    })().catch((err: unknown) => {
      this.key = undefined;
      throw err;
    });
    return this.key;
  }
}

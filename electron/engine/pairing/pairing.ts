/**
 * Pairing a device with an always-on box. On the box, "Pair a device" (`pairing.start`) shows a
 * one-time code: 8 characters from an alphabet without look-alikes (40 bits), valid 10 minutes, used
 * once. On the device, the person enters the box's address and the code (`POST /pair`); the device
 * receives its own long-lived token, which it presents instead of the box's API token. The box lists
 * paired devices (name, last seen) and revokes any of them; a revoked device is told so.
 *
 * Only hashes are stored (SHA-256: the code and the token are random, so no slow hash is needed), so
 * neither a database copy nor a backup lets anyone pair or act as a device.
 */
import { createHash, randomBytes, randomInt } from 'node:crypto';
import { ApiError } from '../../shared/errors.ts';
import type { Store } from '../store/database.ts';

/** CODE_TTL_MS is how long a pairing code works. */
export const CODE_TTL_MS = 10 * 60_000;
/** CODE_ALPHABET is Crockford's base 32: no I, L, O or U to misread. */
const CODE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
/** LAST_SEEN_EVERY_MS: a device's last-seen time is written at most once a minute. */
const LAST_SEEN_EVERY_MS = 60_000;
/** DEVICE_TOKEN_PREFIX marks device tokens, so a log or a person can tell one from the API token. */
export const DEVICE_TOKEN_PREFIX = 'sbd_';

/** DeviceKind is what was paired: the desktop app (its token in the OS keychain) or a browser (an HttpOnly cookie). */
export type DeviceKind = 'desktop' | 'browser';

/** Device is a paired device as the box lists it. */
export interface Device {
  id: number;
  name: string;
  kind: DeviceKind;
  pairedAt: string;
  lastSeenAt: string | null;
  /** connected: the device has its event stream open now. */
  connected: boolean;
  revokedAt: string | null;
}

/** DeviceAuth is what a presented device token turned out to be. */
export type DeviceAuth = { ok: true; device: Device } | { ok: false; reason: 'unknown' | 'revoked'; message: string };

const hash = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');
const iso = (ms: unknown) => (ms === null || ms === undefined ? null : new Date(Number(ms)).toISOString());

/** normalizeCode reads a code as people type it: any case, with or without the dash or spaces, O for 0 and I/L for 1. */
export function normalizeCode(text: string): string {
  return text.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
}

/** PairingStore is what pairing needs of the database: the engine's Store, or a bare connection (`standby pair` beside a running server). */
export type PairingStore = Pick<Store, 'prepare' | 'transaction'>;

type Row = Record<string, unknown>;
const fromRow = (r: Row): Device => ({
  id: Number(r.id),
  name: String(r.name),
  kind: r.kind === 'browser' ? 'browser' : 'desktop',
  pairedAt: iso(r.paired_at)!,
  lastSeenAt: iso(r.last_seen_at),
  connected: false,
  revokedAt: iso(r.revoked_at),
});

/** Pairing issues codes, pairs devices and checks their tokens. */
export class Pairing {
  private readonly store: PairingStore;
  private readonly now: () => number;
  private readonly seen = new Map<number, number>();
  /** streams counts each device's open event streams: a device with one is connected. */
  private readonly streams = new Map<number, number>();

  constructor(store: PairingStore, now: () => number) {
    this.store = store;
    this.now = now;
  }

  /** start makes a new one-time code ("7KQM-3XPA"), valid CODE_TTL_MS; earlier unused codes keep working until they expire. */
  start(): { code: string; expiresAt: string } {
    const now = this.now();
    let raw = '';
    for (let i = 0; i < 8; i++) raw += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
    this.store.transaction(() => {
      this.store.prepare('DELETE FROM pairing_codes WHERE expires_at < ?').run(now - CODE_TTL_MS);
      this.store.prepare('INSERT INTO pairing_codes (code_hash, created_at, expires_at) VALUES (?, ?, ?)').run(hash(raw), now, now + CODE_TTL_MS);
    });
    return { code: `${raw.slice(0, 4)}-${raw.slice(4)}`, expiresAt: new Date(now + CODE_TTL_MS).toISOString() };
  }

  /**
   * pair uses a code, once, and answers the new device and its token (shown to the device only, never
   * stored in clear). A wrong, used or expired code is an ApiError saying which, in words.
   */
  pair(code: string, name: string, kind: DeviceKind): { device: Device; token: string } {
    const now = this.now();
    const token = `${DEVICE_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
    return this.store.transaction(() => {
      const row = this.store.prepare('SELECT id, expires_at, used_at FROM pairing_codes WHERE code_hash = ?').get(hash(normalizeCode(code))) as Row | undefined;
      if (!row) throw new ApiError('unauthorized', 'This pairing code is not right: check it on the box ("Pair a device" in Settings, or standby pair) and type it again.');
      if (row.used_at !== null) throw new ApiError('unauthorized', 'This pairing code was already used: a code pairs one device. Make a new one on the box.');
      if (Number(row.expires_at) <= now) throw new ApiError('unauthorized', 'This pairing code has expired (codes work for 10 minutes). Make a new one on the box.');
      this.store.prepare('UPDATE pairing_codes SET used_at = ? WHERE id = ?').run(now, Number(row.id));
      const inserted = this.store.prepare('INSERT INTO devices (name, kind, token_hash, paired_at, last_seen_at) VALUES (?, ?, ?, ?, ?) RETURNING *').get(name, kind, hash(token), now, now) as Row;
      return { device: this.withConnection(fromRow(inserted)), token };
    });
  }

  /** authenticate checks a presented device token, and notes when the device was last seen. */
  authenticate(token: string): DeviceAuth {
    if (!token.startsWith(DEVICE_TOKEN_PREFIX)) return { ok: false, reason: 'unknown', message: 'not a device token' };
    const row = this.store.prepare('SELECT * FROM devices WHERE token_hash = ?').get(hash(token)) as Row | undefined;
    if (!row) return { ok: false, reason: 'unknown', message: 'this device is not paired with this Standby' };
    const device = fromRow(row);
    if (device.revokedAt) return { ok: false, reason: 'revoked', message: `this device ("${device.name}") was unpaired on the box at ${device.revokedAt}; pair it again with a new code` };
    const now = this.now();
    if (now - (this.seen.get(device.id) ?? 0) >= LAST_SEEN_EVERY_MS) {
      this.seen.set(device.id, now);
      this.store.prepare('UPDATE devices SET last_seen_at = ? WHERE id = ?').run(now, device.id);
    }
    return { ok: true, device };
  }

  /** list is every paired device, revoked ones too (marked), newest first, each saying whether it is connected now. */
  list(): Device[] {
    return (this.store.prepare('SELECT * FROM devices ORDER BY paired_at DESC, id DESC').all() as Row[]).map((r) => this.withConnection(fromRow(r)));
  }

  /**
   * streamOpened notes that a device opened its event stream (it is connected while one is open); the
   * answer notes that the stream closed. `changed` says when the device's connected state flipped.
   */
  streamOpened(deviceId: number, changed: () => void): () => void {
    const before = this.streams.get(deviceId) ?? 0;
    this.streams.set(deviceId, before + 1);
    if (before === 0) changed();
    let closed = false;
    return () => {
      if (closed) return;
      closed = true;
      const left = (this.streams.get(deviceId) ?? 1) - 1;
      if (left > 0) this.streams.set(deviceId, left);
      else {
        this.streams.delete(deviceId);
        changed();
      }
    };
  }

  private withConnection(d: Device): Device {
    return { ...d, connected: d.revokedAt === null && (this.streams.get(d.id) ?? 0) > 0 };
  }

  /** revoke unpairs a device: its token stops working at once. */
  revoke(id: number): Device {
    const now = this.now();
    const row = this.store.prepare('UPDATE devices SET revoked_at = coalesce(revoked_at, ?) WHERE id = ? RETURNING *').get(now, id) as Row | undefined;
    if (!row) throw new ApiError('not_found', `no paired device ${id}`);
    return this.withConnection(fromRow(row));
  }
}

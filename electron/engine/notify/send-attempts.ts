/**
 * One attempt at a send through its channel, as the delivery stage makes it for a page or a test: the
 * contact method's channel (and provider) from the registry, the attempt timeout with a backstop for
 * channels that ignore it, secrets read only for the destination they were stored for, and no secret a
 * channel read left in the answer. The attempts in flight can be cut short together (Standby stopping).
 */
import type { ContactMethod } from '../../shared/schemas.ts';
import { permanent, type Channel, type DeliveryResult, type NotificationMessage } from './channel.ts';
import { redact } from './delivery-words.ts';
import type { ChannelRegistry } from './registry.ts';
import type { SettingsRepo } from './settings-repo.ts';
import { sendThroughChannel } from './settings.ts';

/** SendAttemptDeps are what an attempt reads. */
export interface SendAttemptDeps {
  channels: ChannelRegistry;
  settings: SettingsRepo;
  /** timeoutMs is the attempt timeout (the delivery policy's). */
  timeoutMs: () => number;
  /** secret reads a keychain entry for one destination (DeliveryStage.boundSecret). */
  secret: (ref: string, destination: string) => Promise<string | null>;
  /** responderState reads a responder's stored state (a channel may need it to send, as ntfy's reply topic). */
  responderState: (key: string) => string | undefined;
}

/** SendAttempts makes attempts and knows the ones in flight. */
export class SendAttempts {
  private readonly d: SendAttemptDeps;
  private readonly inflight = new Set<AbortController>();
  private stoppingNow = false;

  constructor(deps: SendAttemptDeps) {
    this.d = deps;
  }

  /** stopping tells whether abortAll was called: an attempt that failed then was cut short, not refused. */
  get stopping(): boolean {
    return this.stoppingNow;
  }

  /** abortAll cuts short the attempts in flight (Standby is stopping). */
  abortAll(): void {
    this.stoppingNow = true;
    for (const c of this.inflight) c.abort();
  }

  /** run makes one send with the attempt timeout; the answer never holds a secret the channel read. */
  async run(contact: ContactMethod, message: NotificationMessage): Promise<DeliveryResult> {
    const settings = this.d.settings.get(contact.type);
    const provider = typeof settings?.provider === 'string' ? settings.provider : undefined;
    const channel: Channel | undefined = this.d.channels.get(contact.type, provider);
    if (!channel) return permanent(`no channel can deliver to ${contact.type} contact methods${provider ? ` through "${provider}"` : ''}`);
    const timeoutMs = this.d.timeoutMs();
    const used = new Set<string>();
    const controller = new AbortController();
    this.inflight.add(controller);
    // A backstop for channels that ignore their timeout: the attempt ends a little after it regardless.
    const backstop = setTimeout(() => controller.abort(), timeoutMs + 1000);
    let result: DeliveryResult;
    try {
      result = await Promise.race([
        sendThroughChannel(channel, contact, message, {
          settings,
          settingsOf: (kind) => this.d.settings.get(kind),
          secret: async (ref, destination) => {
            const v = await this.d.secret(ref, destination);
            if (v) used.add(v);
            return v;
          },
          responderState: this.d.responderState,
          signal: controller.signal,
          timeoutMs,
        }),
        new Promise<DeliveryResult>((resolve) =>
          controller.signal.addEventListener('abort', () => resolve({ ok: false, retryable: true, maybeDelivered: true, error: `${contact.type} channel did not answer within ${timeoutMs} ms` }), { once: true }),
        ),
      ]);
    } catch (err) {
      result = { ok: false, retryable: true, error: `${contact.type} channel failed: ${(err as Error).message}` };
    } finally {
      clearTimeout(backstop);
      this.inflight.delete(controller);
    }
    if (result.ok) return result.detail ? { ...result, detail: redact(result.detail, used) } : result;
    return { ...result, error: redact(result.error, used) };
  }
}

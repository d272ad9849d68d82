/** Helpers channels use to read their settings and secrets, answering a permanent failure that names the fix when either is missing. */
import type { z } from 'zod';
import { SecretNotBoundError } from '../secrets/bindings.ts';
import { SecretStoreError } from '../secrets/secret-store.ts';
import type { ContactMethod } from '../../shared/schemas.ts';
import { permanent, type Channel, type ChannelContext, type DeliveryResult, type NotificationMessage } from './channel.ts';
import { credentialFreeUrl, urlDestination } from './secret-destinations.ts';

/** Parsed is a value, or the permanent failure to answer instead. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; result: DeliveryResult };

/** parseSettings validates a settings section; missing or invalid settings are a permanent failure naming `channels.<kind>`. */
export function parseSettings<S extends z.ZodType>(kind: string, schema: S, raw: unknown, what: string): Parsed<z.infer<S>> {
  if (raw === undefined || raw === null) return { ok: false, result: permanent(`${what} is not set up: set channels.${kind} in Settings → Channels or the configuration file`) };
  const r = schema.safeParse(raw);
  if (r.success) return { ok: true, value: r.data };
  const issue = r.error.issues[0];
  const field = issue?.path.length ? `channels.${kind}.${issue.path.join('.')}` : `channels.${kind}`;
  return { ok: false, result: permanent(`${what} settings are not valid: ${field}: ${issue?.message ?? 'invalid'}`) };
}

/** optionalSettings validates a settings section that may be absent (then every field takes its default). */
export function optionalSettings<S extends z.ZodType>(kind: string, schema: S, raw: unknown, what: string): Parsed<z.infer<S> | Record<string, never>> {
  if (raw === undefined || raw === null) return { ok: true, value: {} };
  return parseSettings(kind, schema, raw, what);
}

/**
 * requireSecret reads a keychain entry for one destination, naming the entry (never its value) when it
 * cannot: a secret that was not entered for this destination and an empty entry are permanent
 * failures; a keychain that is locked, missing or did not answer in time is a retryable one, since
 * unlocking it fixes the next attempt.
 */
export async function requireSecret(ctx: ChannelContext, ref: string, what: string, destination: string): Promise<Parsed<string>> {
  try {
    const v = await ctx.secret(ref, destination);
    if (v) return { ok: true, value: v };
    return { ok: false, result: permanent(`${what} is missing: store it in the keychain entry "${ref}" (secrets.set)`) };
  } catch (err) {
    if (err instanceof SecretNotBoundError) return { ok: false, result: permanent(`${what} was not sent: ${err.message}`) };
    if (err instanceof SecretStoreError) {
      const error = `${what} could not be read: ${err.message}`;
      return { ok: false, result: err.reason === 'refused' ? permanent(error) : { ok: false, retryable: true, error } };
    }
    throw err;
  }
}

/** truncate shortens text to max characters (vendors' limits), marking the cut. */
export function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** joinUrl appends a path to a base URL without doubling slashes. */
export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}

/**
 * webhookUrl is a chat webhook's full URL. Slack's and Discord's webhook URLs end with their secret
 * token: the address may hold the whole URL, or (better) the URL without its last segment while the
 * contact method's keychain entry (secretRef) holds that segment.
 */
export async function webhookUrl(contact: { address: string; secretRef: string | null; label: string }, ctx: ChannelContext, what: string): Promise<Parsed<string>> {
  if (!contact.secretRef) return { ok: true, value: contact.address };
  const token = await requireSecret(ctx, contact.secretRef, `the ${what} webhook token of "${contact.label}"`, urlDestination(contact.address));
  if (!token.ok) return token;
  return { ok: true, value: joinUrl(contact.address, encodeURIComponent(token.value)) };
}

/**
 * sendThroughChannel hands the message to the channel; a contact method whose URL carries a credential
 * keeps that URL in the keychain (urlSecretRef), read here for the URL it shows, and only for it.
 */
export async function sendThroughChannel(channel: Channel, contact: ContactMethod, message: NotificationMessage, ctx: ChannelContext): Promise<DeliveryResult> {
  if (!contact.urlSecretRef) return channel.send(contact, message, ctx);
  const url = await requireSecret(ctx, contact.urlSecretRef, `the URL of "${contact.label}"`, urlDestination(contact.address));
  if (!url.ok) return url.result;
  if (credentialFreeUrl(url.value) !== contact.address) return permanent(`the keychain entry "${contact.urlSecretRef}" holds a URL other than the one "${contact.label}" shows: enter its URL again`);
  return channel.send({ ...contact, address: url.value }, message, ctx);
}

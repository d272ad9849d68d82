/**
 * Small pieces of DeliveryStage (delivery.ts): removing secrets from what a timeline or a log keeps,
 * naming a contact method, a delivery record's data, and whether a failed send counts against the budget.
 */
import type { ContactMethod } from '../../shared/schemas.ts';
import type { NotifyPayload } from '../incidents/lifecycle.ts';
import type { DeliveryResult } from './channel.ts';

/** redact removes every secret a channel read (raw and URL-encoded) from a text, the last guard before a timeline or a log. */
export function redact(text: string, secrets: Iterable<string>): string {
  let out = text;
  for (const s of secrets) {
    if (s.length < 4) continue;
    for (const form of new Set([s, encodeURIComponent(s)])) out = out.split(form).join('[redacted]');
  }
  return out;
}

/** who names a contact method in a timeline or a log line. */
export function who(contact: ContactMethod | undefined, id: number): string {
  return contact ? `${contact.type} "${contact.label}"` : `contact method ${id}`;
}

/** payloadData is what a delivery record's timeline entry carries about the page. */
export function payloadData(p: NotifyPayload, contact: ContactMethod | undefined, key: string): Record<string, unknown> {
  return { contactMethodId: p.contactMethodId, contactType: contact?.type ?? null, ruleId: p.ruleId, level: p.level, round: p.round, key };
}

/** charges says whether a failed attempt counts against the budget: only if it may have reached the vendor. */
export function charges(result: DeliveryResult): { charged: boolean } {
  return { charged: result.ok || result.maybeDelivered === true };
}

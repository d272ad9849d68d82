/**
 * Routing keys (PagerDuty calls them integration keys): 32 lowercase hex characters, 128 random
 * bits. The database keeps only a key's SHA-256 to recognise it; the key itself goes to the secret
 * store under `secretRefFor(id)`, so the app can show it again.
 */
import { createHash, randomBytes } from 'node:crypto';

/** ROUTING_KEY_LENGTH is the length of a PagerDuty integration key (https://developer.pagerduty.com/docs/events-api-v2/trigger-events/). */
export const ROUTING_KEY_LENGTH = 32;

/** generateRoutingKey makes a new key: 16 random bytes as 32 hex characters. */
export function generateRoutingKey(): string {
  return randomBytes(ROUTING_KEY_LENGTH / 2).toString('hex');
}

/** hashRoutingKey is the lowercase hex SHA-256 of a key, as stored for lookup. */
export function hashRoutingKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** secretRefFor names the secret-store entry that holds an integration's key. */
export function secretRefFor(integrationId: number): string {
  return `standby.integration.${integrationId}.routing-key`;
}

/** Integrations and change events: how monitoring tools reach a service (keys, grouping, rate limits). */
import { z } from 'zod';
import { Id } from './schemas.ts';

/** IntegrationType is how alerts reach a service: PagerDuty's Events API v2, or Prometheus Alertmanager's webhook. */
export const IntegrationType = z.enum(['events_v2', 'alertmanager']);
export type IntegrationType = z.infer<typeof IntegrationType>;

/** AlertGrouping decides what an Alertmanager integration opens one incident for: each alert group (groupKey) or each alert (fingerprint). */
export const AlertGrouping = z.enum(['group', 'alert']);
export type AlertGrouping = z.infer<typeof AlertGrouping>;

/** DEFAULT_EVENTS_PER_MINUTE is PagerDuty's Events API v2 limit per integration key (https://developer.pagerduty.com/docs/events-api-v2/rate-limits/). */
export const DEFAULT_EVENTS_PER_MINUTE = 120;

const integrationFields = {
  name: z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters'),
  /** groupBy is for Alertmanager integrations only (default "group"). */
  groupBy: AlertGrouping.optional(),
  /** rateLimitPerMinute caps events per minute for this key; 0 turns the limit off. */
  rateLimitPerMinute: z.number({ error: 'must be a number' }).int('must be a whole number').min(0, 'must be 0 (no limit) to 100000').max(100_000, 'must be 0 (no limit) to 100000').default(DEFAULT_EVENTS_PER_MINUTE),
};

/** IntegrationInput creates an integration: a key that lets a monitoring tool open incidents on a service. */
export const IntegrationInput = z
  .strictObject({ serviceId: Id, type: IntegrationType, ...integrationFields })
  .refine((v) => v.type === 'alertmanager' || v.groupBy === undefined, { path: ['groupBy'], message: 'applies to alertmanager integrations only' });
export type IntegrationInput = z.infer<typeof IntegrationInput>;

/** IntegrationUpdate changes an integration's name, grouping or rate limit (its service, type and key stay). */
export const IntegrationUpdate = z.strictObject(integrationFields);
export type IntegrationUpdate = z.infer<typeof IntegrationUpdate>;

/**
 * Integration is one integration of a service. `key` is its routing key (32 hex characters, as
 * PagerDuty's integration keys): read from the secret store, or null when the secret store does not
 * hold it (then it was shown only when created or rotated; rotate to get a new one).
 */
export interface Integration {
  id: number;
  serviceId: number;
  type: IntegrationType;
  name: string;
  key: string | null;
  /** keyError says why the key cannot be shown (the keychain is locked or did not answer) or was not kept; absent when all is well. */
  keyError?: string;
  /** groupBy is set for Alertmanager integrations, null for Events API v2 ones. */
  groupBy: AlertGrouping | null;
  rateLimitPerMinute: number;
  createdAt: string;
  keyRotatedAt: string | null;
}

/** ChangeEvent is a change (a deploy, a configuration update) reported on a service; it never pages. */
export interface ChangeEvent {
  id: number;
  serviceId: number;
  integrationId: number | null;
  summary: string;
  source: string | null;
  /** timestamp is when the sender says the change happened (ISO 8601), if it said. */
  timestamp: string | null;
  receivedAt: string;
  customDetails: unknown;
  links: Array<{ href: string; text?: string }>;
}

/**
 * The retry policy around channels: exponential backoff from a base delay, at most `retries` retries,
 * and never past the retry window that starts at the first attempt. A vendor's Retry-After is honoured
 * when it fits the window. No jitter: one person's notifications never stampede a vendor.
 */
import type { ChannelSettingsOf } from '../../shared/channel-schemas.ts';

/** DEFAULT_DELIVERY holds the delivery settings' defaults. */
export const DEFAULT_DELIVERY = { retries: 3, retryBaseSeconds: 10, maxRetryMinutes: 15, timeoutSeconds: 10, smsVoicePerDay: 20 } as const;

/** DeliveryPolicy is the delivery settings with every default applied. */
export type DeliveryPolicy = { [K in keyof typeof DEFAULT_DELIVERY]: number };

/** deliveryPolicy applies the defaults to `channels.delivery`. */
export function deliveryPolicy(s: ChannelSettingsOf<'delivery'> | undefined): DeliveryPolicy {
  return { ...DEFAULT_DELIVERY, ...Object.fromEntries(Object.entries(s ?? {}).filter(([, v]) => v !== undefined)) };
}

/** RetryDecision says when to try again (and when the retry window ends), or why not. */
export type RetryDecision = { retryAt: number; delayMs: number; windowEndsAt: number } | { giveUp: string };

/** backoffMs is the wait after a failed attempt (1-based): base, 2 × base, 4 × base, ... */
export function backoffMs(policy: DeliveryPolicy, attempt: number): number {
  return policy.retryBaseSeconds * 1000 * 2 ** (attempt - 1);
}

/** nextRetry decides what follows the failed attempt number `attempt` (1-based), first tried at firstAt. */
export function nextRetry(policy: DeliveryPolicy, attempt: number, firstAt: number, now: number, retryAfterMs?: number): RetryDecision {
  if (attempt > policy.retries) {
    return { giveUp: policy.retries === 0 ? 'retries are off (delivery.retries is 0)' : `gave up after ${attempt} attempts` };
  }
  const delayMs = Math.max(backoffMs(policy, attempt), retryAfterMs ?? 0);
  const retryAt = now + delayMs;
  const windowEndsAt = firstAt + policy.maxRetryMinutes * 60_000;
  if (retryAt > windowEndsAt) {
    return { giveUp: `gave up after ${attempt} attempt${attempt === 1 ? '' : 's'}: the next one would fall after the ${policy.maxRetryMinutes}-minute retry window` };
  }
  return { retryAt, delayMs, windowEndsAt };
}

/** formatDelay says a delay for people: "10 s", "2 min 30 s". */
export function formatDelay(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  return s % 60 ? `${m} min ${s % 60} s` : `${m} min`;
}

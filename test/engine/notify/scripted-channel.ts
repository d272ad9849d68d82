/** A channel that answers from a script, standing in for a paid vendor (an SMS or call provider) in delivery tests. */
import type { ContactMethodType } from '../../../electron/shared/schemas.ts';
import type { Channel, ChannelContext, DeliveryResult, NotificationMessage } from '../../../electron/engine/notify/channel.ts';

/** Step is one scripted answer: a result, "hang" (never answers), or a function run at send time. */
export type Step = DeliveryResult | 'hang' | ((m: NotificationMessage, ctx: ChannelContext) => DeliveryResult | Promise<DeliveryResult>);

/** ScriptedChannel records what it was asked to send. */
export interface ScriptedChannel extends Channel {
  sent: NotificationMessage[];
  script: Step[];
}

/** Failure is a channel's failed answer. */
export type Failure = Extract<DeliveryResult, { ok: false }>;

/** TRANSIENT and PERMANENT are the usual scripted failures. */
export const TRANSIENT: Failure = { ok: false, retryable: true, status: 503, error: 'vendor answered HTTP 503' };
export const PERMANENT: Failure = { ok: false, retryable: false, status: 400, error: 'vendor answered HTTP 400' };

/** scripted builds a channel of a type; after the script runs out, every send is delivered. */
export function scripted(type: ContactMethodType, ...script: Step[]): ScriptedChannel {
  const c: ScriptedChannel = {
    type,
    sent: [],
    script,
    async send(_contact, m, ctx) {
      c.sent.push(m);
      const step = c.script.shift() ?? { ok: true };
      if (step === 'hang') return new Promise<DeliveryResult>(() => {});
      return typeof step === 'function' ? step(m, ctx) : step;
    },
  };
  return c;
}

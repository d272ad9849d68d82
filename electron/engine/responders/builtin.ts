/** The built-in responders: one per two-way channel. */
import type { ResponderContext } from './context.ts';
import { ntfyResponder } from './ntfy.ts';
import { pushoverResponder } from './pushover.ts';
import type { Responder } from './responders.ts';
import { smsResponder } from './sms.ts';
import { telegramResponder } from './telegram.ts';

/** builtinResponders builds every responder Standby ships. */
export function builtinResponders(ctx: ResponderContext): Responder[] {
  return [
    telegramResponder(ctx),
    pushoverResponder(ctx),
    ntfyResponder(ctx),
    smsResponder(ctx),
  ];
}

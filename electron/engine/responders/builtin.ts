/** The built-in responders: one per two-way channel. */
import type { ResponderContext } from './context.ts';
import type { Responder } from './responders.ts';
import { smsResponder } from './sms.ts';

/** builtinResponders builds every responder Standby ships. */
export function builtinResponders(_ctx: ResponderContext): Responder[] {
  return [smsResponder(_ctx)];
}

/** The built-in responders: one per two-way channel. */
import type { ResponderContext } from './context.ts';
import { pushoverResponder } from './pushover.ts';
import type { Responder } from './responders.ts';

/** builtinResponders builds every responder Standby ships. */
export function builtinResponders(_ctx: ResponderContext): Responder[] {
  return [pushoverResponder(_ctx)];
}

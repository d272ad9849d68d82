/** The built-in responders: one per two-way channel. */
import type { ResponderContext } from './context.ts';
import { ntfyResponder } from './ntfy.ts';
import type { Responder } from './responders.ts';

/** builtinResponders builds every responder Standby ships. */
export function builtinResponders(ctx: ResponderContext): Responder[] {
  return [ntfyResponder(ctx)];
}

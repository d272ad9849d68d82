/**
 * Confirming pages in batches. A headless page counts as delivered only once a UI confirmed it has
 * shown it; a burst of pages would otherwise cost one request (and one outcome record) each. The
 * UI queues each confirmation here and sends those of the same moment together with
 * `notifications.confirmMany`, within CONFIRM_BATCH_MS: a page is still confirmed only after it was
 * shown, and a confirmation that fails is simply not counted (the engine fails the page after its
 * deadline and the escalation goes on, as with no UI at all).
 */
import { call } from './api-client.ts';

/** MAX_PER_CALL is the contract's MAX_CONFIRMATIONS (a value import would bring the contract's validation into the UI's bundle). */
const MAX_PER_CALL = 500;

/** CONFIRM_BATCH_MS is how long a confirmation waits for others to share its request (well inside the engine's deadline). */
export const CONFIRM_BATCH_MS = 20;

let queued: string[] = [];
let timer: ReturnType<typeof setTimeout> | undefined;

/** confirmShown queues the confirmation of a shown page; a deliveryId queued twice is sent once. */
export function confirmShown(deliveryId: string): void {
  if (!queued.includes(deliveryId)) queued.push(deliveryId);
  timer ??= setTimeout(flush, CONFIRM_BATCH_MS);
}

function flush(): void {
  timer = undefined;
  const ids = queued;
  queued = [];
  for (let i = 0; i < ids.length; i += MAX_PER_CALL) {
    // A confirmation that comes too late is not in `confirmed`: the engine already counted the page as failed.
    call('notifications.confirmMany', { deliveryIds: ids.slice(i, i + MAX_PER_CALL) }).catch(() => {});
  }
}

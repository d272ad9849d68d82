/**
 * DeliveryBudgetState is today's SMS + voice budget (`delivery.budget`) and the warning shown when
 * the engine says it is used up: a `delivery.budget` event means an SMS or a call was not sent.
 */
import type { ApiEvents } from '../../../../electron/shared/api.ts';
import type { DeliveryBudget } from '../../../../electron/shared/channel-schemas.ts';
import { call, errorMessage } from '../api-client.ts';

/** BudgetWarning is the last "budget used up" event, as the banner shows it. */
export type BudgetWarning = ApiEvents['delivery.budget'];

/** DeliveryBudgetState holds the budget and the warning. */
export class DeliveryBudgetState {
  budget = $state<DeliveryBudget | null>(null);
  warning = $state<BudgetWarning | null>(null);
  error = $state<string | null>(null);

  /** exhausted is true when no SMS or call can be sent today. */
  get exhausted(): boolean {
    return this.budget !== null && this.budget.remaining <= 0;
  }

  /** load fetches today's budget. */
  async load(): Promise<void> {
    try {
      this.budget = await call('delivery.budget', {});
      this.error = null;
    } catch (err) {
      this.error = errorMessage(err);
    }
  }

  /** handle shows the warning of a `delivery.budget` event and refreshes the budget. */
  handle(e: BudgetWarning): void {
    this.warning = e;
    if (this.budget && this.budget.day === e.day) this.budget = { ...this.budget, limit: e.limit, used: e.used, remaining: e.remaining };
    void this.load();
  }

  /** dismiss hides the warning (the settings page still shows the budget). */
  dismiss(): void {
    this.warning = null;
  }
}

/** deliveryBudget is the window's SMS + voice budget. */
export const deliveryBudget = new DeliveryBudgetState();

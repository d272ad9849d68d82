/**
 * RespondersState is the "Answering from the phone" section of the settings page: for each two-way
 * channel, whether Standby is listening for the person's answers (`responders.status`).
 */
import type { ResponderStatus } from '../../../../electron/shared/api.ts';
import { call, errorMessage } from '../api-client.ts';

/** RespondersState holds the last status read. */
export class RespondersState {
  list = $state<ResponderStatus[] | null>(null);
  error = $state<string | null>(null);

  /** load reads the status of every responder. */
  load = async (): Promise<void> => {
    try {
      this.list = await call('responders.status', {});
      this.error = null;
    } catch (err) {
      this.error = errorMessage(err);
    }
  };
}

/** responders is the settings page's answer channels. */
export const responders = new RespondersState();

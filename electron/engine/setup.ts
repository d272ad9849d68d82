/**
 * The guided first run's progress (electron/shared/trust-schemas.ts) in the installation's settings
 * table, so it can be skipped on one tab and resumed on another, or after a restart. A new data
 * directory starts `pending` (the engine writes it when it seeds the defaults); one made before the
 * guide existed has no row and counts as `done`, so an upgrade never shows it.
 */
import type { ApiArgs, ApiEvent, ApiOutputs } from '../shared/api.ts';
import { SetupState } from '../shared/trust-schemas.ts';
import { readAppSetting, writeAppSetting } from './store/app-settings.ts';
import type { Store } from './store/database.ts';

const DONE: SetupState = { status: 'done', step: 'done', contactMethodId: null };

/** FIRST_RUN is where a new data directory's guide starts. */
export const FIRST_RUN: SetupState = { status: 'pending', step: 'profile', contactMethodId: null };

/** readSetup answers the stored progress, `done` when none is stored (or it no longer parses). */
export function readSetup(store: Store): SetupState {
  const parsed = SetupState.safeParse(readAppSetting(store, 'setup'));
  return parsed.success ? parsed.data : { ...DONE };
}

/** startSetup marks a new data directory's guide as to be shown (in the caller's transaction). */
export function startSetup(store: Store): void {
  writeAppSetting(store, 'setup', FIRST_RUN);
}

/** setupHandlers serves `setup.get` and `setup.update`, which announces the new progress (`setup.changed`). */
export function setupHandlers(store: Store, emit: (e: ApiEvent) => void): { [M in 'setup.get' | 'setup.update']: (args: ApiArgs<M>) => ApiOutputs[M] } {
  return {
    'setup.get': () => readSetup(store),
    'setup.update': (a) => {
      const next = SetupState.parse({ ...readSetup(store), ...Object.fromEntries(Object.entries(a).filter(([, v]) => v !== undefined)) });
      writeAppSetting(store, 'setup', next);
      emit({ type: 'setup.changed', data: next });
      return next;
    },
  };
}

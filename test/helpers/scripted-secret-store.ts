/**
 * ScriptedSecretStore is a keychain the test controls: healthy, it answers from memory at once;
 * hanging, each call waits until the test answers or fails it (or forever), as a locked
 * gnome-keyring does while its unlock prompt waits. It counts every call that reaches it.
 */
import type { SecretStore } from '../../electron/engine/secrets/secret-store.ts';

/** PendingCall is one call waiting in a hanging ScriptedSecretStore. */
export interface PendingCall {
  op: 'get' | 'set' | 'delete';
  ref: string;
  /** answer lets the call return (get: the stored value). */
  answer(): void;
  /** fail makes the call throw. */
  fail(err: Error): void;
}

/** ScriptedSecretStore is an in-memory store that can be made to hang. */
export class ScriptedSecretStore implements SecretStore {
  readonly kind = 'OS keychain';
  /** hanging makes every new call wait for the test. */
  hanging = false;
  /** reached counts the calls that reached the store. */
  reached = 0;
  /** pending are the calls waiting for the test, oldest first. */
  readonly pending: PendingCall[] = [];
  private readonly values = new Map<string, string>();
  private readonly arrivals: Array<() => void> = [];

  async get(ref: string): Promise<string | null> {
    await this.enter('get', ref);
    return this.values.get(ref) ?? null;
  }

  async set(ref: string, value: string): Promise<void> {
    await this.enter('set', ref);
    this.values.set(ref, value);
  }

  async delete(ref: string): Promise<void> {
    await this.enter('delete', ref);
    this.values.delete(ref);
  }

  /** arrived resolves once at least n calls have reached the store. */
  async arrived(n: number): Promise<void> {
    while (this.reached < n) await new Promise<void>((resolve) => this.arrivals.push(resolve));
  }

  private enter(op: PendingCall['op'], ref: string): Promise<void> {
    this.reached++;
    for (const wake of this.arrivals.splice(0)) wake();
    if (!this.hanging) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const call: PendingCall = {
        op,
        ref,
        answer: () => {
          this.pending.splice(this.pending.indexOf(call), 1);
          resolve();
        },
        fail: (err) => {
          this.pending.splice(this.pending.indexOf(call), 1);
          reject(err);
        },
      };
      this.pending.push(call);
    });
  }
}

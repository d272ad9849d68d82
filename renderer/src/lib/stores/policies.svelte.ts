/**
 * PoliciesState is the escalation policies page: the policy in the form and its levels. A level's
 * targets are kept as strings in the draft ("me" or a contact method's id), which is what a
 * <select> holds, and `toPolicyInput` turns them into the contract's targets.
 */
import type { EscalationPolicy, EscalationPolicyInput, EscalationTarget } from '../../../../electron/shared/schemas.ts';
import { call, errorMessage } from '../api-client.ts';
import { FormState } from '../form.svelte.ts';
import { policyDependents } from '../dependents.ts';
import { config } from './config.svelte.ts';
import { confirmation } from './confirm.svelte.ts';

/** LevelDraft is one escalation level in the form: its targets ("me" or a contact method id) and delay. */
export interface LevelDraft {
  targets: string[];
  delayMinutes: number | null;
}

/** PolicyDraft is the escalation policy form's content. */
export interface PolicyDraft {
  name: string;
  description: string;
  levels: LevelDraft[];
  repeatCount: number;
}

/** MAX_REPEAT is PagerDuty's limit on repeating a policy. */
export const MAX_REPEAT = 9;

const POLICY_FIELDS = ['name', 'description', 'levels', 'repeatCount'];

/** newPolicyDraft is one level paging me after 30 minutes, no repeat. */
export function newPolicyDraft(): PolicyDraft {
  return { name: '', description: '', levels: [{ targets: ['me'], delayMinutes: 30 }], repeatCount: 0 };
}

/** policyDraft fills the form from a saved policy. */
export function policyDraft(p: EscalationPolicy): PolicyDraft {
  return {
    name: p.name,
    description: p.description,
    levels: p.levels.map((l) => ({ targets: l.targets.map((t) => (t.kind === 'me' ? 'me' : String(t.contactMethodId))), delayMinutes: l.delayMinutes })),
    repeatCount: p.repeatCount,
  };
}

function toTarget(value: string): EscalationTarget {
  return value === 'me' ? { kind: 'me' } : { kind: 'contact', contactMethodId: Number(value) };
}

/** toPolicyInput turns the form into the contract's input. */
export function toPolicyInput(d: PolicyDraft): EscalationPolicyInput {
  return {
    name: d.name,
    description: d.description,
    levels: d.levels.map((l) => ({ targets: l.targets.map(toTarget), delayMinutes: l.delayMinutes as number })),
    repeatCount: d.repeatCount,
  };
}

/** PoliciesState holds the policy being edited. */
export class PoliciesState {
  editing = $state<number | 'new' | null>(null);
  form = new FormState<PolicyDraft>(newPolicyDraft(), POLICY_FIELDS);
  listError = $state<string | null>(null);

  /** create opens an empty form. */
  create(): void {
    this.editing = 'new';
    this.form.reset(newPolicyDraft());
  }

  /** edit opens the form on a saved policy. */
  edit(policy: EscalationPolicy): void {
    this.editing = policy.id;
    this.form.reset(policyDraft(policy));
  }

  /** cancel closes the form. */
  cancel(): void {
    this.editing = null;
    this.form.clear();
  }

  addLevel(): void {
    this.form.draft.levels.push({ targets: ['me'], delayMinutes: 30 });
  }

  removeLevel(index: number): void {
    this.form.draft.levels.splice(index, 1);
  }

  /** moveLevel swaps a level with its neighbour (-1 up, +1 down). */
  moveLevel(index: number, by: -1 | 1): void {
    const levels = this.form.draft.levels;
    const other = index + by;
    const a = levels[index];
    const b = levels[other];
    if (!a || !b) return;
    levels[index] = b;
    levels[other] = a;
  }

  addTarget(level: number): void {
    this.form.draft.levels[level]?.targets.push('me');
  }

  removeTarget(level: number, index: number): void {
    this.form.draft.levels[level]?.targets.splice(index, 1);
  }

  /** save creates or updates the policy. */
  save = async (): Promise<void> => {
    const editing = this.editing;
    if (editing === null) return;
    const saved = await this.form.submit((d) => {
      const value = toPolicyInput(d);
      return editing === 'new' ? call('escalationPolicies.create', value) : call('escalationPolicies.update', { id: editing, value });
    }, editing === 'new' ? undefined : 'value');
    if (saved) {
      this.editing = saved.id;
      await config.load('escalationPolicies');
    }
  };

  /** remove deletes a policy (the engine refuses while a service uses it). */
  /** askRemove opens the confirm dialog with the services that page through the policy. */
  askRemove = (policy: EscalationPolicy): void => {
    confirmation.ask({ title: `Delete the escalation policy “${policy.name}”?`, confirmLabel: 'Delete escalation policy', ...policyDependents(policy, config.services), run: () => this.remove(policy) });
  };

  async remove(policy: EscalationPolicy): Promise<void> {
    this.listError = null;
    try {
      await call('escalationPolicies.delete', { id: policy.id });
      if (this.editing === policy.id) this.cancel();
      await config.load('escalationPolicies');
    } catch (err) {
      this.listError = `Could not delete "${policy.name}": ${errorMessage(err)}`;
    }
  }
}

/** policies is the escalation policies page's state. */
export const policies = new PoliciesState();

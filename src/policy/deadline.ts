/**
 * The wall-clock budget of one policy evaluation. Evaluation is synchronous and the CEL library
 * offers no step hook, so the deadline is checked where vouch gets control: between rules (and
 * between a rule's guard, expression and explanation) and inside the functions vouch adds
 * (matches(), matchesGlob(), purl(), licenseSatisfies(), ...). What it cannot interrupt is a
 * single built-in operation of the library (one comprehension over a list without a vouch
 * function in its body, a concatenation): the static cost bound (cost.ts) is what keeps those
 * short. The clock is injected, so the module stays free of ambient state in tests.
 */

/** Default budget of one evaluation, in milliseconds (the CLI's --policy-timeout). */
export const DEFAULT_POLICY_TIMEOUT_MS = 10_000;

/** How many checks pass between two readings of the clock (reading it costs more than a glob match). */
const CHECK_EVERY = 64;

interface Active {
  readonly clock: () => number;
  readonly deadline: number;
  calls: number;
  expired: boolean;
}

let active: Active | undefined;

/** Thrown out of a CEL function when the budget is spent; evaluate.ts turns it into LIMIT_EXCEEDED. */
export class DeadlineExceeded extends Error {
  constructor() {
    super('policy evaluation ran out of time');
  }
}

/** Runs `fn` with a deadline `budgetMs` from now by `clock`; nesting keeps the outer one. */
export function withDeadline<T>(budgetMs: number, clock: () => number, fn: () => T): T {
  if (active) return fn();
  active = { clock, deadline: clock() + budgetMs, calls: 0, expired: false };
  try {
    return fn();
  } finally {
    active = undefined;
  }
}

/** Throws DeadlineExceeded once the deadline has passed (the clock is read every CHECK_EVERY calls). */
export function checkDeadline(force = false): void {
  if (!active) return;
  if (active.expired) throw new DeadlineExceeded();
  if (!force && ++active.calls % CHECK_EVERY !== 0) return;
  if (active.clock() > active.deadline) {
    active.expired = true;
    throw new DeadlineExceeded();
  }
}

/** True once the running evaluation's deadline was found passed (an error the library wrapped is still ours). */
export function deadlineExpired(): boolean {
  return active?.expired === true;
}

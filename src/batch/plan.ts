import type { RunContext } from '../context.js';
import type { RunKeyInputs } from './cache-key.js';
import type { CachedVerification } from './cached.js';
import type { BatchSubject } from './run.js';

/** The subjects of a run and how each is verified: what a verify command hands the batch runner. */
export interface SubjectPlan<S extends BatchSubject> {
  readonly subjects: readonly S[];
  readonly verification: (subject: S, ctx: RunContext) => CachedVerification;
  /** Trust material and expectations for the cache key (asked for only when a cache is in use). */
  readonly keyInputs: () => Promise<Pick<RunKeyInputs, 'trust' | 'expectations'>>;
}

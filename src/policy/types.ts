/** A policy file as vouch understands it (apiVersion vouch.dev/v1, kind Policy); see docs/policy.md. */
export const POLICY_API_VERSION = 'vouch.dev/v1';

export type Severity = 'error' | 'warning';

export interface PolicyRule {
  readonly name: string;
  readonly severity: Severity;
  /** Optional CEL guard: when it is false the rule does not apply to this subject. */
  readonly match?: string;
  /** CEL expression that must be true for the rule to pass. */
  readonly expression: string;
  /** Shown when the rule fails. */
  readonly message: string;
  readonly description?: string;
}

export interface Waiver {
  readonly rule: string;
  /** Glob patterns over the subject reference ("*" matches any run of characters). */
  readonly subjects: readonly string[];
  readonly reason: string;
  readonly owner: string;
  /** ISO date (YYYY-MM-DD, end of day UTC) or date-time after which the waiver no longer applies. */
  readonly expires: string;
}

export interface Policy {
  readonly name: string;
  /** "builtin:<name>" or the file path it was read from. */
  readonly source: string;
  /** sha256 of the policy file bytes, so a report names exactly which policy decided. */
  readonly digest: string;
  readonly rules: readonly PolicyRule[];
  readonly waivers: readonly Waiver[];
}

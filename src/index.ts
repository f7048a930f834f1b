/**
 * vouch as a library: `import { verifyApk, renderReport } from 'vouch'`. This file is the package's
 * one entry point (package.json `exports`); docs/library.md documents every export with an example
 * that a test runs, from the sources and from the packed tarball. Anything not exported here is
 * internal and may change between versions.
 */
export { verifyApk, verifyArtifact, verifyImage } from './library/verify.js';
export type { RunOptions, SigstoreInput, VerifyApkOptions, VerifyArtifactOptions, VerifyImageOptions } from './library/options.js';
export { evaluatePolicies } from './library/evaluate.js';
export type { EvaluateOptions } from './library/evaluate.js';
export { loadPolicies } from './library/policies.js';
export type { PolicyInput } from './library/policies.js';
export { renderReport, verdictLine, writeReport } from './library/report.js';
export type { RenderReportOptions } from './library/report.js';
export { parseEvidence, EVIDENCE_SCHEMA_VERSION } from './evidence/index.js';
export type {
  AttestationEvidence,
  Check,
  CheckStatus,
  Evidence,
  Finding,
  InventoryEvidence,
  ProvenanceEvidence,
  ReconciliationEvidence,
  SbomEvidence,
  SignatureEvidence,
  Signer,
  Subject,
  SubjectKind,
} from './evidence/index.js';
export { REPORT_FORMATS, REPORT_SCHEMA_VERSION } from './report/types.js';
export type { Report, ReportFormat, RuleResult, RuleStatus, Verdict, WaiverRef } from './report/types.js';
export type { Policy, PolicyRule, Severity, Waiver } from './policy/types.js';
export { DEFAULT_LIMITS } from './pipeline/options.js';
export type { ApkIndexCaps, IdentityExpectation, Limits, ProvenanceExpectations, RegistryOptions, SigstoreOptions } from './pipeline/options.js';
export { ERROR_CODES, isVouchError, VouchError } from './errors.js';
export type { ErrorCode, VouchErrorOptions } from './errors.js';
export type { Logger } from './context.js';
export type { ProgressEvent, ProgressKind, ProgressSink } from './progress.js';

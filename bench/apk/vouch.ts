/**
 * vouch's side of the apk benchmarks, in process through the library path a batch takes: collect
 * the Evidence of one package file (keyring loaded once per run, as apk-tools loads its keys
 * directory once per process), evaluate the default policy, render the JSON report.
 */
import { noopLogger } from '../../dist/context.js';
import { collectApkEvidence } from '../../dist/pipeline/apk.js';
import { DEFAULT_LIMITS } from '../../dist/pipeline/options.js';
import { BUILTIN_POLICIES } from '../../dist/policy/builtin-policies.generated.js';
import { evaluatePolicies } from '../../dist/policy/evaluate.js';
import { renderReportPieces } from '../../dist/report/index.js';
import type { Evidence } from '../../src/evidence/index.js';
import type { ApkKeyring } from '../../src/trust/apk/index.js';

const ctx = { now: new Date(0), log: noopLogger };
const policies = [BUILTIN_POLICIES['default']].filter((p) => p !== undefined);

export async function evidenceOf(path: string, keyring: ApkKeyring): Promise<Evidence> {
  return collectApkEvidence({ target: path, keys: [], keyrings: [], keyring, arch: 'x86_64', limits: DEFAULT_LIMITS }, ctx);
}

/** One package as `vouch apk FILE --format json` judges it; returns the report's length. */
export async function vouchOne(path: string, keyring: ApkKeyring): Promise<number> {
  const evidence = await evidenceOf(path, keyring);
  const report = evaluatePolicies(policies, evidence, ctx.now);
  let length = 0;
  for (const piece of renderReportPieces(report, 'json', { color: false })) length += piece.length;
  return length;
}

/** Whether the package's signature check passed (so that apk-tools, too, reads all of it). */
export async function signatureVerifies(path: string, keyring: ApkKeyring): Promise<boolean> {
  const e = await evidenceOf(path, keyring);
  return e.checks.some((c) => c.id === 'apk.signature' && c.status === 'pass');
}

import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { PROJECT_ROOT, runProcess } from '../testing/cli.js';
import type { K8sObject } from '../testing/k8s-schema.js';
import { readManifests, unknownFields, validateK8sObject } from '../testing/k8s-schema.js';

/**
 * deploy/batch/: the Indexed Job that shards a repository over N pods, its ConfigMaps, the
 * results volume and the merge Job. Validated against the Kubernetes schemas (offline, from
 * kubernetes-models), checked for fields the schemas let through but the API server would drop,
 * and for the agreements between the files that no schema sees (shard count, names, flags).
 */
const DIR = join(PROJECT_ROOT, 'deploy', 'batch');
const files = readdirSync(DIR).filter((f) => f.endsWith('.yaml')).sort();
const all: { file: string; obj: K8sObject }[] = files.flatMap((file) => readManifests(join(DIR, file)).map((obj) => ({ file, obj })));

function find(kind: string, name: string): K8sObject {
  const hit = all.find(({ obj }) => obj.kind === kind && obj.metadata.name === name);
  assert.ok(hit, `deploy/batch has no ${kind} ${name}`);
  return hit.obj;
}

type Rec = Record<string, unknown>;
const rec = (v: unknown): Rec => v as Rec;
const list = (v: unknown): Rec[] => (v ?? []) as Rec[];

/** The fields under a Job's pod template that Kubernetes reads, each with its type. */
function typedParts(obj: K8sObject): [unknown, string, string][] {
  const parts: [unknown, string, string][] = [[obj.metadata, 'meta/v1', 'ObjectMeta']];
  if (obj.kind === 'PersistentVolumeClaim') parts.push([obj['spec'], 'v1', 'PersistentVolumeClaimSpec']);
  if (obj.kind !== 'Job') return parts;
  const spec = rec(obj['spec']);
  const pod = rec(rec(spec['template'])['spec']);
  parts.push([spec, 'batch/v1', 'JobSpec'], [pod, 'v1', 'PodSpec'], [pod['securityContext'], 'v1', 'PodSecurityContext']);
  const policy = rec(spec['podFailurePolicy'] ?? {});
  parts.push([policy, 'batch/v1', 'PodFailurePolicy']);
  for (const rule of list(policy['rules'])) parts.push([rule, 'batch/v1', 'PodFailurePolicyRule'], [rule['onExitCodes'], 'batch/v1', 'PodFailurePolicyOnExitCodesRequirement']);
  for (const v of list(pod['volumes'])) parts.push([v, 'v1', 'Volume']);
  for (const c of list(pod['containers'])) {
    parts.push([c, 'v1', 'Container'], [c['securityContext'], 'v1', 'SecurityContext'], [c['resources'], 'v1', 'ResourceRequirements']);
    for (const e of list(c['env'])) parts.push([e, 'v1', 'EnvVar'], [e['valueFrom'], 'v1', 'EnvVarSource']);
    for (const m of list(c['volumeMounts'])) parts.push([m, 'v1', 'VolumeMount']);
  }
  return parts;
}

function unknownOf(obj: K8sObject): string[] {
  return typedParts(obj).flatMap(([value, apiVersion, type]) =>
    apiVersion === 'meta/v1' ? unknownMeta(value) : unknownFields(value, apiVersion, type));
}

/** ObjectMeta lives in @kubernetes-models/apimachinery; the manifests use these three fields. */
function unknownMeta(value: unknown): string[] {
  return Object.keys(rec(value)).filter((k) => !['name', 'labels', 'annotations'].includes(k)).map((k) => `ObjectMeta.${k}`);
}

test('deploy/batch: every manifest is valid against the Kubernetes schemas, with no field the API server would drop', async () => {
  assert.deepEqual(files, ['merge-job.yaml', 'results-pvc.yaml', 'subjects-configmap.yaml', 'verify-job.yaml']);
  assert.equal(all.length, 5);
  for (const { file, obj } of all) {
    assert.deepEqual(await validateK8sObject(obj), [], `${file}: ${obj.kind} ${obj.metadata.name}`);
    assert.deepEqual(unknownOf(obj), [], `${file}: ${obj.kind} ${obj.metadata.name}`);
  }
});

test('the schema check is live: an invalid Job, an unknown kind and a misspelt field are all caught', async () => {
  const job = structuredClone(find('Job', 'vouch-batch-verify')) as Rec;
  rec(job['spec'])['completionMode'] = 'Index';
  assert.match((await validateK8sObject(job)).join(), /completionMode|allowed values/);
  const noCompletions = structuredClone(find('Job', 'vouch-batch-verify')) as Rec;
  rec(noCompletions['spec'])['completions'] = 'ten';
  assert.notDeepEqual(await validateK8sObject(noCompletions), []);
  assert.match((await validateK8sObject({ apiVersion: 'batch/v1', kind: 'Jobb', metadata: { name: 'x' } })).join(), /no schema/);
  assert.match((await validateK8sObject({ apiVersion: '../../x', kind: 'Job' })).join(), /not a Kubernetes API version/);
  const typo = structuredClone(find('Job', 'vouch-batch-verify')) as Rec;
  rec(typo['spec'])['completionsMode'] = 'Indexed';
  assert.deepEqual(await validateK8sObject(typo), [], 'the schemas allow unknown fields');
  assert.deepEqual(unknownOf(typo as K8sObject), ['JobSpec.completionsMode']);
});

test('the verify Job: Indexed, one shard per completion, the shard count agrees with the ConfigMap, exit codes as docs/exit-codes.md', () => {
  const job = find('Job', 'vouch-batch-verify');
  const subjects = rec(find('ConfigMap', 'vouch-batch-subjects')['data']);
  const spec = rec(job['spec']);
  assert.equal(spec['completionMode'], 'Indexed');
  assert.equal(String(spec['completions']), subjects['shard-count']);
  assert.ok(Number(spec['parallelism']) >= 1 && Number(spec['parallelism']) <= Number(spec['completions']));
  assert.ok(Number(spec['backoffLimitPerIndex']) >= 1, 'a shard that could not check (exit 3) is retried on its own');
  assert.equal(spec['backoffLimit'], undefined, 'backoffLimit would cap the retries of all shards together');
  const pod = rec(rec(spec['template'])['spec']);
  assert.equal(pod['restartPolicy'], 'Never');
  const rules = list(rec(spec['podFailurePolicy'])['rules']).map((r) => [r['action'], rec(r['onExitCodes'] ?? {})['values'] ?? 'condition']);
  assert.deepEqual(rules, [['FailJob', [2]], ['FailIndex', [1]], ['Ignore', 'condition']]);
  assert.ok(Number(spec['activeDeadlineSeconds']) > 0, 'the batch has a total deadline');
});

test('the verify Job runs `vouch apk --repository … --all` with the batch flags, its shard index from JOB_COMPLETION_INDEX', () => {
  const job = find('Job', 'vouch-batch-verify');
  const pod = rec(rec(rec(job['spec'])['template'])['spec']);
  const [container, ...others] = list(pod['containers']);
  assert.ok(container);
  assert.equal(others.length, 0);
  assert.deepEqual(container['command'], ['vouch']);
  const args = container['args'] as string[];
  assert.equal(args[0], 'apk');
  const flags = args.filter((a) => a.startsWith('--')).sort();
  assert.deepEqual(flags, ['--all', '--arch', '--cache', '--format', '--jobs', '--keyring', '--output', '--repository', '--shard-count', '--timeout']);
  const value = (flag: string): string => args[args.indexOf(flag) + 1] as string;
  assert.equal(value('--format'), 'jsonl');
  assert.match(value('--output'), /^\/results\/shard-\$\(JOB_COMPLETION_INDEX\)\.jsonl$/);
  assert.match(value('--cache'), /^\/results\/cache\/shard-\$\(JOB_COMPLETION_INDEX\)$/, 'one cache per shard: no two pods write one SQLite file');
  assert.match(value('--jobs'), /^[1-9][0-9]*$/);
  // vouch's deadline ends before the Job's, so a slow shard reports (exit 3) instead of being killed.
  const hours = /^([0-9]+)h$/.exec(value('--timeout'));
  assert.ok(hours && Number(hours[1]) * 3600 < Number(rec(job['spec'])['activeDeadlineSeconds']));
  // Every $(VAR) Kubernetes expands must be defined, else it stays literal text in the argument.
  const env = list(container['env']);
  const defined = new Set(['JOB_COMPLETION_INDEX', ...env.map((e) => e['name'] as string)]);
  for (const a of args) for (const m of a.matchAll(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g)) assert.ok(defined.has(m[1] as string), `${a}: $(${m[1]}) is not defined`);
  // Every ConfigMap key the env reads exists.
  for (const e of env) {
    const ref = rec(rec(e['valueFrom'])['configMapKeyRef']);
    assert.ok(Object.hasOwn(rec(find('ConfigMap', ref['name'] as string)['data']), ref['key'] as string), `${String(ref['name'])} has no key ${String(ref['key'])}`);
  }
  assert.equal(value('--keyring'), '/etc/vouch/keys');
  const mounts = list(container['volumeMounts']);
  assert.ok(mounts.some((m) => m['mountPath'] === '/etc/vouch/keys' && m['readOnly'] === true));
  assert.ok(mounts.some((m) => m['mountPath'] === '/results'));
});

test('every volume names an object deploy/batch defines; pods run unprivileged without API credentials; keys are public', () => {
  for (const name of ['vouch-batch-verify', 'vouch-batch-merge']) {
    const pod = rec(rec(rec(find('Job', name)['spec'])['template'])['spec']);
    assert.equal(pod['automountServiceAccountToken'], false);
    assert.equal(rec(pod['securityContext'])['runAsNonRoot'], true);
    for (const v of list(pod['volumes'])) {
      if (v['configMap']) find('ConfigMap', rec(v['configMap'])['name'] as string);
      if (v['persistentVolumeClaim']) find('PersistentVolumeClaim', rec(v['persistentVolumeClaim'])['claimName'] as string);
    }
    for (const c of list(pod['containers'])) {
      const sc = rec(c['securityContext']);
      assert.equal(sc['allowPrivilegeEscalation'], false);
      assert.equal(sc['readOnlyRootFilesystem'], true);
      assert.deepEqual(rec(sc['capabilities'])['drop'], ['ALL']);
      assert.ok(rec(rec(c['resources'])['limits'])['memory'], 'a memory limit');
    }
  }
  const keys = rec(find('ConfigMap', 'vouch-batch-keys')['data']);
  assert.ok(Object.keys(keys).length > 0);
  for (const [name, pem] of Object.entries(keys)) {
    assert.match(name, /\.rsa\.pub$/);
    assert.match(String(pem), /^-----BEGIN PUBLIC KEY-----\n[A-Za-z0-9+/=\n]+-----END PUBLIC KEY-----\n$/);
  }
});

test("the merge Job's script names every shard file 0..N-1 (a missing one fails the merge) and exits with the merge's code", { timeout: 60_000 }, async () => {
  const job = find('Job', 'vouch-batch-merge');
  const [container] = list(rec(rec(rec(job['spec'])['template'])['spec'])['containers']);
  assert.ok(container);
  assert.deepEqual(container['command'], ['/bin/sh', '-c']);
  const script = (container['args'] as string[])[0] as string;
  // The real script under /bin/sh, with a stand-in `vouch` on PATH that records its arguments.
  const dir = mkdtempSync(join(tmpdir(), 'vouch-merge-'));
  try {
    const log = join(dir, 'calls');
    const fake = join(dir, 'vouch');
    writeFileSync(fake, `#!/bin/sh\necho "$*" >> ${log}\nexit "\${FAKE_EXIT:-0}"\n`);
    chmodSync(fake, 0o755);
    const env = { PATH: `${dir}:/usr/bin:/bin`, VOUCH_SHARD_COUNT: '3' };
    const ok = await runProcess('/bin/sh', ['-c', script], { env, noStdin: true });
    assert.equal(ok.code, 0, ok.stderr);
    const calls = readFileSync(log, 'utf8').trim().split('\n');
    const shards = '/results/shard-0.jsonl /results/shard-1.jsonl /results/shard-2.jsonl';
    assert.deepEqual(calls, [`merge ${shards} --format markdown --output /results/summary.md`, `merge ${shards} --format sarif --output /results/summary.sarif`]);
    const failed = await runProcess('/bin/sh', ['-c', script], { env: { ...env, FAKE_EXIT: '1' }, noStdin: true });
    assert.equal(failed.code, 1, 'a failed package fails the merge Job');
    const unset = await runProcess('/bin/sh', ['-c', script], { env: { PATH: env.PATH }, noStdin: true });
    assert.notEqual(unset.code, 0, 'no shard count: the script stops (set -u), it does not merge nothing');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

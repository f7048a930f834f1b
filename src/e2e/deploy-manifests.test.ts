import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Certificate, Issuer } from '@kubernetes-models/cert-manager/cert-manager.io/v1';
import { MutatingWebhookConfiguration, ValidatingWebhookConfiguration } from 'kubernetes-models/admissionregistration.k8s.io/v1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Namespace, Service, ServiceAccount } from 'kubernetes-models/v1';
import { Ajv } from 'ajv';
import { parseAllDocuments } from 'yaml';
import { SERVE_CONFIG_SCHEMA } from '../serve/config-schema.js';
import { SUPPORTED_KINDS } from '../serve/images.js';
import { PROJECT_ROOT } from '../testing/cli.js';

/**
 * deploy/kubernetes/: every manifest validated against the Kubernetes schemas (kubernetes-models,
 * @kubernetes-models/cert-manager; not applied: no cluster here), and the properties the admission
 * webhook depends on asserted one by one.
 */
const DIR = join(PROJECT_ROOT, 'deploy', 'kubernetes');

interface Model {
  validate(): void;
}
type ModelClass = new (data: never) => Model;
const MODELS: Readonly<Record<string, ModelClass>> = {
  'v1/Namespace': Namespace as unknown as ModelClass,
  'v1/ServiceAccount': ServiceAccount as unknown as ModelClass,
  'v1/ConfigMap': ConfigMap as unknown as ModelClass,
  'v1/Service': Service as unknown as ModelClass,
  'apps/v1/Deployment': Deployment as unknown as ModelClass,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget as unknown as ModelClass,
  'admissionregistration.k8s.io/v1/ValidatingWebhookConfiguration': ValidatingWebhookConfiguration as unknown as ModelClass,
  'admissionregistration.k8s.io/v1/MutatingWebhookConfiguration': MutatingWebhookConfiguration as unknown as ModelClass,
  'cert-manager.io/v1/Certificate': Certificate as unknown as ModelClass,
  'cert-manager.io/v1/Issuer': Issuer as unknown as ModelClass,
};

type Doc = Record<string, unknown> & { apiVersion: string; kind: string; metadata: { name: string } };
const docs: Doc[] = readdirSync(DIR)
  .filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml')
  .flatMap((f) => parseAllDocuments(readFileSync(join(DIR, f), 'utf8')).map((d) => d.toJS() as Doc));
const find = (kind: string) => docs.filter((d) => d.kind === kind);

test('deploy: every manifest is valid against the Kubernetes schema of its kind', () => {
  assert.ok(docs.length >= 10);
  for (const doc of docs) {
    const Model = MODELS[`${doc.apiVersion}/${doc.kind}`];
    assert.ok(Model, `no schema known for ${doc.apiVersion} ${doc.kind}`);
    assert.doesNotThrow(() => new Model(doc as never).validate(), `${doc.kind} ${doc.metadata.name}`);
  }
  // The schema check is real: a wrong type fails it.
  assert.throws(() => new Deployment({ ...(find('Deployment')[0] as object), spec: { replicas: 'two' } } as never).validate());
});

test('deploy: the webhooks fail closed, within the API server timeout, without side effects, opt-in, kube-system excluded, every workload covered', () => {
  const kustomization = readFileSync(join(DIR, 'kustomization.yaml'), 'utf8');
  for (const f of readdirSync(DIR).filter((x) => x.endsWith('.yaml') && x !== 'kustomization.yaml')) assert.ok(kustomization.includes(f), `kustomization lists ${f}`);
  const webhooks = [...find('ValidatingWebhookConfiguration'), ...find('MutatingWebhookConfiguration')].flatMap((c) => c['webhooks'] as Record<string, unknown>[]);
  assert.equal(webhooks.length, 2);
  const resources = ['pods', 'pods/ephemeralcontainers', 'deployments', 'replicasets', 'statefulsets', 'daemonsets', 'jobs', 'cronjobs', 'replicationcontrollers'];
  assert.equal(resources.length, SUPPORTED_KINDS.length + 1, 'every kind vouch reads has its resource');
  for (const w of webhooks) {
    assert.equal(w['failurePolicy'], 'Fail');
    assert.equal(w['timeoutSeconds'], 10);
    assert.equal(w['sideEffects'], 'None');
    assert.deepEqual(w['admissionReviewVersions'], ['v1']);
    const selector = w['namespaceSelector'] as { matchLabels: Record<string, string>; matchExpressions: { key: string; operator: string; values: string[] }[] };
    assert.equal(selector.matchLabels['vouch.dev/admission'], 'enabled');
    assert.ok(selector.matchExpressions.some((e) => e.key === 'kubernetes.io/metadata.name' && e.operator === 'NotIn' && e.values.includes('kube-system')));
    const covered = (w['rules'] as { resources: string[]; operations: string[] }[]).flatMap((r) => r.resources);
    for (const r of resources) assert.ok(covered.includes(r), `${String(w['name'])} covers ${r}`);
  }
});

test('deploy: two non-root replicas with a read-only root filesystem, limits, probes, a PDB and a certificate for the service', () => {
  const deployment = find('Deployment')[0] as unknown as { spec: { replicas: number; template: { spec: { securityContext: { runAsNonRoot: boolean }; containers: { args: string[]; resources: { limits: Record<string, string> }; securityContext: { readOnlyRootFilesystem: boolean }; readinessProbe: { httpGet: { path: string } }; livenessProbe: { httpGet: { path: string } } }[] } } } };
  assert.equal(deployment.spec.replicas, 2);
  assert.equal(deployment.spec.template.spec.securityContext.runAsNonRoot, true);
  const [c] = deployment.spec.template.spec.containers;
  assert.ok(c);
  assert.equal(c.securityContext.readOnlyRootFilesystem, true);
  assert.ok(c.resources.limits['memory'] && c.resources.limits['cpu']);
  assert.equal(c.readinessProbe.httpGet.path, '/readyz');
  assert.equal(c.livenessProbe.httpGet.path, '/healthz');
  assert.ok(c.args.includes('serve'));
  assert.equal(find('PodDisruptionBudget').length, 1);
  const cert = find('Certificate')[0] as unknown as { spec: { dnsNames: string[] } };
  assert.ok(cert.spec.dnsNames.includes('vouch.vouch-system.svc'));
});

test('deploy: the sample configuration matches the AdmissionConfig schema', () => {
  const map = find('ConfigMap').find((m) => m.metadata.name === 'vouch-config') as unknown as { data: Record<string, string> };
  const config = parseAllDocuments(map.data['config.yaml'] ?? '')[0]?.toJS() as unknown;
  const validate = new Ajv({ strict: true }).compile(SERVE_CONFIG_SCHEMA);
  assert.ok(validate(config), JSON.stringify(validate.errors));
});

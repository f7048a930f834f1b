/**
 * The admission server's Prometheus metrics (prom-client, on a registry of its own so that two
 * servers in one process, as in the tests, do not share counters). Labels take only values from
 * fixed sets: an attacker-chosen image name never becomes a label (unbounded series).
 */
import { Counter, Histogram, Registry } from 'prom-client';

export interface ServeMetrics {
  readonly registry: Registry;
  readonly requests: Counter<'endpoint' | 'code'>;
  readonly decisions: Counter<'outcome'>;
  readonly cache: Counter<'result'>;
  readonly verification: Histogram<'result'>;
  readonly registryErrors: Counter;
  readonly vsa: Counter<'result'>;
}

export function serveMetrics(): ServeMetrics {
  const registry = new Registry();
  const registers = [registry];
  return {
    registry,
    requests: new Counter({ name: 'vouch_admission_requests_total', help: 'HTTP requests by endpoint and status code', labelNames: ['endpoint', 'code'], registers }),
    decisions: new Counter({ name: 'vouch_admission_decisions_total', help: 'Image decisions by outcome (allow, warn, deny)', labelNames: ['outcome'], registers }),
    cache: new Counter({ name: 'vouch_admission_cache_total', help: 'Verdict cache lookups by result (hit, miss)', labelNames: ['result'], registers }),
    verification: new Histogram({
      name: 'vouch_admission_verification_seconds',
      help: 'Time to verify one image (cache misses only) by result (pass, fail, error)',
      labelNames: ['result'],
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 16],
      registers,
    }),
    vsa: new Counter({ name: 'vouch_admission_vsa_total', help: 'Verifications under an entry with VSA keys, by whether a verification summary was used (used, not_used)', labelNames: ['result'], registers }),
    registryErrors: new Counter({ name: 'vouch_admission_registry_errors_total', help: 'Verifications that could not check the image (registry down, deadline, malformed manifests)', registers }),
  };
}

/** Endpoint label values: the known paths, everything else as "other". */
export function endpointLabel(path: string): string {
  return ['/validate', '/mutate', '/healthz', '/readyz', '/metrics'].includes(path) ? path.slice(1) : 'other';
}

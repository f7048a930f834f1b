import { Flags } from '@oclif/core';
import { VouchCommand } from '../cli/base-command.js';
import { parseDuration } from '../cli/durations.js';
import { provenanceFlags, sigstoreFlags } from '../cli/flags.js';
import { stderrLogger } from '../cli/logger.js';
import { VouchError } from '../errors.js';

export default class Serve extends VouchCommand {
  static override summary = 'Run the Kubernetes admission webhook: verify every image of a pod before it runs.';
  static override description = `Answers AdmissionReview v1 over HTTPS: POST /validate denies objects with an image that does not verify (status 403 naming the image, its digest and the failed rule); POST /mutate pins tags to digests (repo:tag@sha256:…). GET /healthz, /readyz and /metrics (Prometheus).
Images are matched against the image policies of --config (first match wins; an image no pattern matches is denied unless the file says otherwise), or, without --config, verified with the same verification flags as vouch image for every image. Only manifests and small blobs are read, never layers: a policy that judges the contents is a configuration error, unless the entry admits through verification summaries (vsa-public-key: a VSA signed by CI proves those policies passed; without a usable one the image is denied). Each request is answered within --timeout; a verification that cannot finish in time is a denial that says so (an allow with a warning in warn mode). Verdicts are cached by digest, configuration entry, trust material and vouch version; "could not check" is never cached. docs/admission.md describes configuration, deployment and operation.`;

  static override examples = [
    '<%= config.bin %> serve --config /etc/vouch/config.yaml --tls-cert /tls/tls.crt --tls-key /tls/tls.key',
    '<%= config.bin %> serve --check-config --config ./vouch-admission.yaml',
    '<%= config.bin %> serve --key cosign.pub --tls-cert tls.crt --tls-key tls.key --listen 127.0.0.1:8443',
  ];

  static override flags = {
    config: Flags.string({ summary: 'Image policies (YAML, kind AdmissionConfig); without it the verification flags make one catch-all policy.' }),
    'check-config': Flags.boolean({ summary: 'Check the configuration (schema, policies, trust material) and exit: 0 valid, 2 invalid.' }),
    listen: Flags.string({ summary: 'HOST:PORT to listen on.', default: '0.0.0.0:8443' }),
    'tls-cert': Flags.string({ summary: 'PEM certificate chain of the server (reloaded when the file changes).' }),
    'tls-key': Flags.string({ summary: 'PEM private key of the server (reloaded when the file changes).' }),
    timeout: Flags.string({ summary: 'Budget of one admission request: 8s (default), 1500ms; keep it under the webhook timeoutSeconds.' }),
    cache: Flags.string({ summary: 'Verdict cache: memory (default), or a shared redis:// or rediss:// URL for several replicas.', default: 'memory' }),
    'cache-size': Flags.string({ summary: 'Largest number of cached verdicts (default 10000; least recently used go first).' }),
    'cache-ttl': Flags.string({ summary: 'How long a pass is reused (default 1h; failures 30s; "could not check" never).' }),
    platform: Flags.string({ summary: 'Platform an index is resolved to: os/arch[/variant] (default linux/<host arch>; a config file sets its own).' }),
    policy: Flags.string({ char: 'p', summary: 'Policy of the catch-all entry (repeatable): signature, provenance or a YAML file (default: signature, and provenance with --source-uri).', multiple: true }),
    ...sigstoreFlags,
    ...provenanceFlags,
    'docker-reference': Flags.string({ summary: 'Reference cosign signatures must name in their payload (catch-all entry).' }),
    'vsa-public-key': Flags.string({ summary: 'Admit through a VSA signed with this PEM public key (repeatable; catch-all entry); without a usable VSA, verify (or deny when the policies judge the contents).', multiple: true }),
    'vsa-max-age': Flags.string({ summary: 'Oldest VSA accepted, by its timeVerified (default 168h; catch-all entry).' }),
    'vsa-verifier-id': Flags.string({ summary: 'Verifier id a VSA must name (repeatable; default https://vouch.dev/verifier; catch-all entry).', multiple: true }),
    'allow-http-registry': Flags.boolean({ summary: 'Allow plain HTTP to registries that are not on loopback.' }),
    verbose: Flags.boolean({ char: 'v', summary: 'Log progress and debug details to stderr.' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Serve);
    const log = stderrLogger(flags.verbose);
    const timeoutMs = parseDuration(flags.timeout, '--timeout') ?? 8_000;
    const cacheSize = flags['cache-size'] === undefined ? undefined : entryCount(flags['cache-size']);
    const passTtlMs = parseDuration(flags['cache-ttl'], '--cache-ttl');
    const { host, port } = parseListen(flags.listen);
    // memory (one replica's own LRU) or a shared Redis (several replicas); a folder's SQLite store
    // is for batch runs: its lookups block the event loop, which an admission server must not.
    if (flags.cache !== 'memory' && !/^rediss?:\/\//.test(flags.cache)) {
      throw new VouchError({ code: 'USAGE', message: `--cache must be memory or a redis:// or rediss:// URL, got ${JSON.stringify(flags.cache)}` });
    }
    const { configFromFlags, loadServeConfig } = await import('../serve/config.js');
    const verification = ['key', 'certificate-identity', 'certificate-identity-regexp', 'certificate-oidc-issuer', 'certificate-oidc-issuer-regexp', 'trusted-root', 'source-uri', 'builder-id', 'policy', 'docker-reference', 'vsa-public-key', 'vsa-max-age', 'vsa-verifier-id'];
    const given = verification.filter((k) => (flags as Record<string, unknown>)[k] !== undefined);
    if (flags.config !== undefined && given.length > 0) {
      throw new VouchError({ code: 'USAGE', message: `--config and --${given[0]} contradict each other: put the verification into the configuration file` });
    }
    const config = flags.config !== undefined ? await loadServeConfig(flags.config) : await configFromFlags(flags, flags.platform);
    if (flags['check-config']) {
      process.stdout.write(`${flags.config ?? 'command line'}: ok: ${config.rules.length} image ${config.rules.length === 1 ? 'policy' : 'policies'} (${config.rules.map((r) => r.label).join('; ')}); unmatched images: ${config.unmatched}; platform ${config.platform}\n`);
      return;
    }
    if (flags['tls-cert'] === undefined || flags['tls-key'] === undefined) {
      throw new VouchError({ code: 'USAGE', message: 'vouch serve needs --tls-cert and --tls-key: the Kubernetes API server calls webhooks over HTTPS only' });
    }
    const { memoryVerdictCache, DEFAULT_CACHE_ENTRIES, DEFAULT_FAIL_TTL_MS, DEFAULT_PASS_TTL_MS } = await import('../serve/cache.js');
    const { startServer } = await import('../serve/server.js');
    const ttls = { passTtlMs: passTtlMs ?? DEFAULT_PASS_TTL_MS, failTtlMs: DEFAULT_FAIL_TTL_MS };
    const cache =
      flags.cache === 'memory'
        ? memoryVerdictCache(cacheSize ?? DEFAULT_CACHE_ENTRIES, ttls)
        : await (await import('../cache/open.js')).openVerdictCache(flags.cache, { ...ttls, onWarning: (m: string) => log.warn(m) });
    const server = await startServer({
      host,
      port,
      certFile: flags['tls-cert'],
      keyFile: flags['tls-key'],
      config,
      cache,
      timeoutMs,
      allowHttp: flags['allow-http-registry'],
      clock: () => new Date(),
      log,
      decisionLog: (record) => process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), ...record })}\n`),
    });
    process.stderr.write(`vouch: serving admission reviews on https://${host}:${server.port} (${config.rules.length} image ${config.rules.length === 1 ? 'policy' : 'policies'}, timeout ${timeoutMs} ms)\n`);
    await new Promise<void>((resolve) => {
      const stop = (signal: string): void => {
        process.stderr.write(`vouch: ${signal}: answering requests in flight, then stopping\n`);
        void server.close().then(() => cache.close()).then(resolve);
      };
      process.once('SIGTERM', () => stop('SIGTERM'));
      process.once('SIGINT', () => stop('SIGINT'));
    });
  }
}

/** HOST:PORT, [IPv6]:PORT; port 0 picks a free one (tests). */
export function parseListen(value: string): { host: string; port: number } {
  const m = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(value);
  const port = m ? Number(m[2]) : NaN;
  if (!m || !(port >= 0 && port <= 65535)) throw new VouchError({ code: 'USAGE', message: `--listen must be HOST:PORT, e.g. 0.0.0.0:8443, got ${JSON.stringify(value)}` });
  return { host: (m[1] ?? '').replace(/^\[|\]$/g, ''), port };
}

function entryCount(value: string): number {
  const n = /^[0-9]{1,9}$/.test(value) ? Number(value) : 0;
  if (n < 1) throw new VouchError({ code: 'USAGE', message: `--cache-size must be a whole number from 1 to 999999999, got ${JSON.stringify(value)}` });
  return n;
}

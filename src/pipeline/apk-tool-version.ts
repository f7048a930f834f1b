import { createRequire } from 'node:module';

let cached: string | undefined;

/** vouch's version from package.json (dist/ and src/ both sit two levels below it). */
export function toolVersion(): string {
  if (cached !== undefined) return cached;
  try {
    const pkg = createRequire(import.meta.url)('../../package.json') as { version?: unknown };
    cached = typeof pkg.version === 'string' ? pkg.version : '0.0.0';
  } catch {
    cached = '0.0.0';
  }
  return cached;
}

import { VouchError } from '../../errors.js';
import type { Descriptor, Platform } from './manifest.js';

/** Parses "os/arch[/variant]" as given to --platform. */
export function parsePlatform(text: string): Platform {
  const parts = text.split('/');
  if (parts.length < 2 || parts.length > 3 || parts.some((p) => !/^[a-z0-9._-]+$/.test(p))) {
    throw new VouchError({ code: 'USAGE', message: `invalid --platform ${JSON.stringify(text)}: use os/arch[/variant], e.g. linux/amd64 or linux/arm/v7` });
  }
  const [os = '', architecture = '', variant] = parts;
  return { os, architecture, ...(variant ? { variant } : {}) };
}

export function formatPlatform(p: Platform): string {
  return [p.os, p.architecture, ...(p.variant ? [p.variant] : [])].join('/');
}

/** arm64 images usually say nothing or "v8"; both mean the same platform. */
function variantMatches(wanted: Platform, have: Platform): boolean {
  if (wanted.variant === undefined) return true;
  if (have.variant === wanted.variant) return true;
  return wanted.architecture === 'arm64' && wanted.variant === 'v8' && have.variant === undefined;
}

/**
 * Picks the index entry for a platform. Entries without a platform, or with "unknown/unknown"
 * (BuildKit's attestation manifests), are never images to run. No match is "could not check".
 */
export function selectPlatform(entries: readonly Descriptor[], wanted: Platform, where: string): Descriptor {
  const candidates = entries.filter((d) => d.platform && d.platform.os !== 'unknown');
  const matches = candidates.filter(
    (d) => d.platform?.os === wanted.os && d.platform.architecture === wanted.architecture && variantMatches(wanted, d.platform),
  );
  // Prefer an exact variant match, then the entry without a variant, so "linux/arm64" picks v8 or none.
  const exact = matches.find((d) => d.platform?.variant === wanted.variant) ?? matches.find((d) => d.platform?.variant === undefined) ?? matches[0];
  if (exact) return exact;
  const available = [...new Set(candidates.map((d) => formatPlatform(d.platform as Platform)))].sort();
  throw new VouchError({
    code: 'NOT_FOUND',
    message: `${where}: the index has no manifest for platform ${formatPlatform(wanted)}`,
    details: { available },
    hints: available.length > 0 ? [`choose one with --platform: ${available.join(', ')}`] : [],
  });
}

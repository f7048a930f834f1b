import { PackageURL } from 'packageurl-js';

/** A package URL taken apart by packageurl-js (never by hand: its escaping rules are subtle). */
export interface ParsedPurl {
  readonly type: string;
  readonly namespace?: string;
  readonly name: string;
  readonly version?: string;
  readonly qualifiers: Readonly<Record<string, string>>;
  readonly subpath?: string;
}

/** Parses a purl; the reason when it is not one. */
export function parsePurl(text: string): ParsedPurl | { readonly error: string } {
  try {
    const p = PackageURL.fromString(text);
    return {
      type: p.type,
      ...(p.namespace ? { namespace: p.namespace } : {}),
      name: p.name,
      ...(p.version ? { version: p.version } : {}),
      qualifiers: { ...(p.qualifiers ?? {}) } as Record<string, string>,
      ...(p.subpath ? { subpath: p.subpath } : {}),
    };
  } catch (err) {
    return { error: (err as Error).message };
  }
}

export function isParsedPurl(value: ParsedPurl | { readonly error: string }): value is ParsedPurl {
  return !('error' in value);
}

/** The parsed purl, or undefined when the text is not a valid purl. */
export function purlOf(text: string | undefined): ParsedPurl | undefined {
  if (text === undefined) return undefined;
  const parsed = parsePurl(text);
  return isParsedPurl(parsed) ? parsed : undefined;
}

/**
 * Every image a Kubernetes object would run, with the JSON pointer of each (for the mutating
 * webhook's patches). An image that is not where vouch looks would run unverified, so the list of
 * places is the complete list of pod templates in the built-in workload kinds, and an object of a
 * kind vouch does not know is refused rather than allowed (the webhook configurations select
 * exactly these kinds).
 */

export interface ImageSite {
  /** JSON pointer of the `image` field, e.g. /spec/template/spec/containers/0/image. */
  readonly pointer: string;
  /** "containers[0] app": which container, for messages. */
  readonly container: string;
  readonly image: string;
}

export type ImageSites = { readonly kind: 'ok'; readonly sites: readonly ImageSite[] } | { readonly kind: 'unsupported'; readonly message: string };

/** Where each kind keeps its pod spec. */
const POD_SPEC_PATH: Readonly<Record<string, readonly string[]>> = {
  Pod: ['spec'],
  Deployment: ['spec', 'template', 'spec'],
  ReplicaSet: ['spec', 'template', 'spec'],
  StatefulSet: ['spec', 'template', 'spec'],
  DaemonSet: ['spec', 'template', 'spec'],
  Job: ['spec', 'template', 'spec'],
  ReplicationController: ['spec', 'template', 'spec'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
};

export const SUPPORTED_KINDS: readonly string[] = Object.keys(POD_SPEC_PATH);

const CONTAINER_LISTS = ['containers', 'initContainers', 'ephemeralContainers'] as const;

/** Kubernetes caps a pod at a few hundred containers; more is not a pod. */
export const MAX_CONTAINERS = 1000;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The images of `object` (a request's object of kind `kind`). A container whose image is missing
 * or not a string is reported with an empty image, which no pattern matches and no reference
 * parses, so it is denied rather than skipped.
 */
export function imageSites(kind: string, object: unknown): ImageSites {
  const path = Object.hasOwn(POD_SPEC_PATH, kind) ? POD_SPEC_PATH[kind] : undefined;
  if (!path) return { kind: 'unsupported', message: `objects of kind ${JSON.stringify(kind.slice(0, 64))} are not checked by vouch (supported: ${SUPPORTED_KINDS.join(', ')})` };
  let spec: unknown = object;
  for (const step of path) spec = isObject(spec) ? spec[step] : undefined;
  if (!isObject(spec)) return { kind: 'unsupported', message: `the ${kind} has no pod spec at ${path.join('.')}` };
  const sites: ImageSite[] = [];
  for (const list of CONTAINER_LISTS) {
    const containers = spec[list];
    if (containers === undefined || containers === null) continue;
    if (!Array.isArray(containers)) return { kind: 'unsupported', message: `${path.join('.')}.${list} is not a list` };
    for (const [i, c] of containers.entries()) {
      if (sites.length >= MAX_CONTAINERS) return { kind: 'unsupported', message: `more than ${MAX_CONTAINERS} containers` };
      const name = isObject(c) && typeof c['name'] === 'string' ? ` ${c['name'].slice(0, 64)}` : '';
      const image = isObject(c) && typeof c['image'] === 'string' ? c['image'] : '';
      sites.push({ pointer: `/${[...path, list, String(i), 'image'].join('/')}`, container: `${list}[${i}]${name}`, image });
    }
  }
  return { kind: 'ok', sites };
}

/**
 * The images of a pods/ephemeralcontainers subresource request: its object is the Pod, and every
 * container list is checked (the new ephemeral container is among them).
 */
export function imageSitesOf(kind: string, subResource: string | undefined, object: unknown): ImageSites {
  if (subResource === 'ephemeralcontainers') return imageSites('Pod', object);
  if (subResource !== undefined && subResource !== '') return { kind: 'unsupported', message: `the subresource ${JSON.stringify(subResource.slice(0, 64))} is not checked by vouch` };
  return imageSites(kind, object);
}

/**
 * A bound on the registry work the server does at once. A pod may name up to 1000 images and
 * anyone who may create pods chooses them: without a bound, one request could open a thousand
 * registry connections and starve every other request of its deadline. Work over the bound waits
 * its turn (each request still answers within its own deadline, as a denial if it must).
 */
export const MAX_CONCURRENT_REGISTRY_WORK = 16;

export function concurrencyLimit(max: number): <T>(work: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: (() => void)[] = [];
  const release = (): void => {
    running--;
    waiting.shift()?.();
  };
  return async <T>(work: () => Promise<T>): Promise<T> => {
    if (running >= max) await new Promise<void>((resolve) => waiting.push(resolve));
    running++;
    try {
      return await work();
    } finally {
      release();
    }
  };
}

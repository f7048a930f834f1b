/**
 * Deterministic randomness for generated hostile tests: the same seed gives the same inputs on
 * every run, so a failure names a mutation that can be replayed.
 */

/** A linear congruential generator: `rand(n)` is an integer in [0, n). */
export function seededRandom(seed: number): (n: number) => number {
  let state = seed;
  return (n: number): number => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state % n;
  };
}

/**
 * A copy of `base` with 1 to `maxFlips` bytes set to random values, cut short at a random length
 * one time in four (truncated input is the other common hostile shape).
 */
export function mutated(base: Buffer, rand: (n: number) => number, maxFlips = 3): Buffer {
  const m = Buffer.from(base);
  for (let k = 0; k < 1 + rand(maxFlips); k++) m[rand(m.length)] = rand(256);
  return rand(4) === 0 ? m.subarray(0, rand(m.length)) : m;
}

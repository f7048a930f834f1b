/** spdx-satisfies ships no types: satisfies(expression, allowedLicenses). */
declare module 'spdx-satisfies' {
  function satisfies(expression: string, allowed: string[]): boolean;
  export default satisfies;
}

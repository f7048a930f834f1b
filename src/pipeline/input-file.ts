/**
 * The safe reading of local input files (src/sources/local-file.ts), for the CLI: commands read
 * policies and saved evidence themselves, and the CLI reaches the library only through pipeline.
 */
export { readInputFile } from '../sources/local-file.js';
export type { BoundedReadOptions } from '../sources/local-file.js';

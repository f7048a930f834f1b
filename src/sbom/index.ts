export { readSbom } from './read.js';
export type * from './model.js';

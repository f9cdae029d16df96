export { toJson } from './json.js';
export { OutputSink } from './output.js';
export { Progress } from './progress.js';
export * from './value.js';
export { table, chalk, colorEnabled } from './table.js';
export { count } from './plural.js';

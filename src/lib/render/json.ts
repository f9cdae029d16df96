/** JSON text as Ceph's JSONFormatter prints it: the function lives with the value types (encoding/json-text.ts) so the pure rooms can use it. */
export { toJson } from '../encoding/json-text.js';

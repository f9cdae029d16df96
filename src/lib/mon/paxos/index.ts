export * from './keys.js';
export * from './versions.js';
export * from './trim.js';
export * from './commit.js';
export * from './service-trim.js';
export * from './service-trim-store.js';

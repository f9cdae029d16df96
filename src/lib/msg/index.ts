/** Messenger value types: entity_addr_t / entity_addrvec_t, feature masks, shared decode helpers. */
export * from './entity-addr.js';
export { FEATURE, FEATURES_ALL, hasFeature } from './features.js';
export { formatIPv4, formatIPv6, parseIPv4, parseIPv6 } from './inet.js';
export { legacyEnvelope, type LegacyEnvelope } from './legacy-envelope.js';
export { formatUTimeCeph } from './utime.js';

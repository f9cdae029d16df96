/** The monitor map: codec, mon_info_t, and `monmaptool --print` text. */
export * from './monmap.js';
export * from './mon-info.js';
export * from './dump.js';
export * from './edit.js';

/**
 * osdmap print/tree/dump and placement as Reef (`--release reef`) against Reef's osdmaptool, on
 * every fixture map, every epoch of the fixture stores and seeded variations: see
 * test/helpers/osdmap-releases-suite.ts.
 */
import { osdmapReleaseSuite } from '../helpers/osdmap-releases-suite.js';

osdmapReleaseSuite('reef');

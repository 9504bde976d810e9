// An example kv1nt plugin (see kv1nt's docs/plugins.md). The default export is the plugin: a plain
// object. It imports nothing from kv1nt at run time — an installed plugin cannot count on kv1nt being
// resolvable from its folder — and gets its types from the JSDoc annotations instead.
import { flakyOperations } from './detectors/flaky-operations.js';
import { slowOutliers } from './detectors/slow-outliers.js';

/** @type {import('kv1nt/sdk').Kv1ntPlugin} */
const plugin = {
  apiVersion: 1,
  name: 'example',
  detectors: [flakyOperations, slowOutliers],
};

export default plugin;

// @isotel/devtools/production: the panel, for production bundles that opt in.
export * from './index.js';

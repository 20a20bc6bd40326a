// @isotel/devtools: the in-app panel.
export { type DevtoolsHandle, type DevtoolsOptions, mountDevtools } from './mount.js';

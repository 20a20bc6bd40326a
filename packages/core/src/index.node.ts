// @isotel/core for Node (the "node" export condition): the same API as the root entry.
// Context propagation through AsyncLocalStorage is installed here.
export * from './index.js';

// @isotel/core for Node (the "node" export condition): the same API as the root entry, with
// context carried through AsyncLocalStorage, so `import '@isotel/core'` on Node gets it.
import { installAsyncLocalContext } from './context/async-local-context-manager.js';

installAsyncLocalContext();

export * from './index.js';

// Package entry: the kit, the adapter contract and the reference runtime.
export * from './kit/index.js';
export * from './adapter/index.js';
export { referenceAdapter, adapterFor, sessionFor, referenceDescription } from './adapters/reference.js';
export * as runtime from './runtime/index.js';

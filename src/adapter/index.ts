// Public entry of `mplp-conformance/adapter`: the contract a vendor implements and the loader
// the kit uses to find it.

export * from './contract.js';
export { AdapterLoadError, descriptionProblems, type AdapterLoadStage, loadAdapter, type LoadedAdapter, type LoadOptions } from './load.js';
export { serveAdapter, type ServeOptions, StdioAdapter, type StdioAdapterOptions, PROTOCOL_VERSION } from './stdio/index.js';

// The stdio transport: the kit drives a runtime process over JSON-RPC on stdin/stdout
// (docs/stdio-protocol.md). Host side: StdioAdapter; runtime side for JS: serveAdapter.

export { DEFAULT_STARTUP_TIMEOUT_MS, EXEC_PREFIX, launchSpecOf, LaunchSpecError, MANIFEST_FILE, type LaunchSpec } from './launch.js';
export { PROTOCOL_VERSION, RPC_ERROR } from './protocol.js';
export { serveAdapter, type ServeOptions } from './server.js';
export { StdioAdapter, type StdioAdapterOptions } from './stdio-adapter.js';

#!/usr/bin/env node
// The published package's command (package.json "bin"): the compiled CLI, no TypeScript loader.
// A source checkout runs bin/mplp-conformance.js instead, which loads these sources through tsx.
import { cli } from './main.js';

await cli();

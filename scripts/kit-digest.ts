// `npm run digest`: records the digest of the shipped catalogue, suites and flows in
// suites/kit-digest.json. A run certifies only when the kit it grades with has this digest
// (src/kit/certification.ts); test/kit-digest.test.ts fails while the record is stale.
// Usage: npm run digest [-- --suites <dir> --flows <dir> --catalogue <file>]  (a built package's folders)

import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_CATALOGUE } from '../src/kit/catalogue.js';
import { DIGEST_MANIFEST, kitDigest } from '../src/kit/certification.js';
import { DEFAULT_FLOWS_DIR, DEFAULT_SUITES_DIR } from '../src/kit/discover.js';

const { values } = parseArgs({ options: { suites: { type: 'string' }, flows: { type: 'string' }, catalogue: { type: 'string' } } });
const sources = { catalogue: values.catalogue ?? DEFAULT_CATALOGUE, suites: values.suites ?? DEFAULT_SUITES_DIR, flows: values.flows ?? DEFAULT_FLOWS_DIR };
const digest = await kitDigest(sources);
const file = join(sources.suites, DIGEST_MANIFEST);
await writeFile(file, `${JSON.stringify(digest, null, 2)}\n`);
console.log(`${file}: ${digest.digest} (${digest.files} files)`);

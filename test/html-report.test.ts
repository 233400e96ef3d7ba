// Issue 10, HTML report: a real run of a faulty adapter (the reference with dependents of a
// failed step left pending) that also puts markup and script into its name, version, error
// messages and event reasons. The report is opened in headless Chromium: the summary comes
// first, the failure shows its plan DAG as SVG with the violation highlighted, the filters
// work, and none of the adapter's payloads runs (a global flag never flips, no dialog opens,
// no element is injected, nothing is fetched). A screenshot is kept under
// reports/test-output/html-report/. Without Chromium the test fails and says how to install it.

import { existsSync } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlanDag } from '../src/kit/flows/plan-evidence.js';
import { esc } from '../src/kit/report/html/escape.js';
import { violationOf } from '../src/kit/report/html/violation.js';
import { EVIL } from './fixtures/ci/adapters/evil.js';
import { ROOT, runKit, tempDir } from './fixtures/ci/harness.js';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const OUTPUT = join(ROOT, 'reports', 'test-output', 'html-report');

let context: BrowserContext;
let page: Page;
let html: string;
let htmlUrl: string;
const dialogs: string[] = [];
const requests: string[] = [];
const consoleErrors: string[] = [];
const cleanup: string[] = [];

// In-page code is given as strings: the kit's tsconfig has no DOM types.
const pwned = () => page.evaluate('window.__pwned');

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium is not installed at ${CHROMIUM}; the HTML report test needs it. Install it with: apt-get update && apt-get install -y chromium (Debian/Ubuntu; .ci/run does this in CI).`);
  }
  const run = await runKit('evil');
  expect(run.exitCode, run.stderr).toBe(1);
  cleanup.push(run.runDir);
  html = join(run.runDir, 'index.html');
  htmlUrl = pathToFileURL(html).href;
  const profile = await tempDir('chromium-profile');
  cleanup.push(profile);
  context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true, viewport: { width: 1280, height: 900 } });
  page = context.pages()[0] ?? (await context.newPage());
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  page.on('request', (r) => void requests.push(r.url()));
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  await page.goto(htmlUrl);
}, 120_000);

afterAll(async () => {
  await context?.close();
  await Promise.all(cleanup.map((d) => rm(d, { recursive: true, force: true })));
});

describe('HTML report in Chromium', () => {
  it('opens with the summary: adapter, level verdicts, counts per level and area', async () => {
    const firstHeading = page.locator('main h1').first();
    await expect(firstHeading.textContent()).resolves.toContain('MPLP 1.0.0 L3 conformance: evil <img src=x onerror=');
    const cards = page.locator('.verdicts .card');
    await expect(cards.count()).resolves.toBe(2);
    await expect(cards.nth(0).textContent()).resolves.toMatch(/core level\s*non-conformant/i);
    await expect(cards.nth(1).textContent()).resolves.toMatch(/full level \(requested\)\s*non-conformant/i);
    const order = await page.evaluate<number[]>("['.verdicts', '#counts', '#failures', '#requirements'].map((s) => document.querySelector(s).getBoundingClientRect().top)");
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    await expect(page.locator('.tables table').nth(1).textContent()).resolves.toMatch(/orchestration\s*0\s*1/);
  });

  it('draws the failing flow as an SVG plan DAG with the violating steps ringed and the broken edges red', async () => {
    const card = page.locator('details.failure', { hasText: 'flow.ci-failure-blocks-dependents' });
    const svg = card.locator('svg.plan');
    await expect(svg.count()).resolves.toBe(1);
    const box = await svg.boundingBox();
    expect(box!.width).toBeGreaterThan(300);
    const steps = await svg.locator('g.step title').allTextContents();
    expect(steps.sort()).toEqual(['audit: pending', 'enrich: pending', 'fetch: completed', 'merge: pending (violation)', 'parse: failed', 'publish: pending (violation)']);
    await expect(svg.locator('g.step.hot').count()).resolves.toBe(2);
    await expect(svg.locator('g.step.st-failed').count()).resolves.toBe(1);
    await expect(svg.locator('g.edge').count()).resolves.toBe(5); // fetch→parse, fetch→enrich, parse→merge, enrich→merge, merge→publish
    await expect(svg.locator('g.edge.hot').count()).resolves.toBe(2); // parse→merge, merge→publish; not enrich→merge
    await expect(card.locator('table.timeline tbody tr').count()).resolves.toBeGreaterThan(3);
    await expect(card.locator('.expected-seen').textContent()).resolves.toMatch(/Expected\s*"blocked"\s*Seen\s*"pending"/);
    await expect(card.locator('pre.replay').first().textContent()).resolves.toMatch(/^npx mplp-conformance run --adapter test\/fixtures\/ci\/adapters\/evil\.ts --catalogue \S+ --suites \S+ --flows \S+ --only flow\.ci-failure-blocks-dependents --seed 7$/);
    await mkdir(OUTPUT, { recursive: true });
    await card.screenshot({ path: join(OUTPUT, 'failure.png') });
    await page.screenshot({ path: join(OUTPUT, 'report.png'), fullPage: true });
  });

  it('filters the requirement table by verdict, area, level and text', async () => {
    const visible = () => page.locator('#req-table tbody tr:not([hidden])').count();
    await expect(page.locator('#f-count').textContent()).resolves.toBe('3 of 3 requirements');
    await page.selectOption('#f-verdict', 'fail');
    await expect(visible()).resolves.toBe(2);
    await page.selectOption('#f-area', 'map');
    await expect(visible()).resolves.toBe(1);
    await page.selectOption('#f-verdict', '');
    await page.selectOption('#f-area', '');
    await page.selectOption('#f-level', 'SHOULD');
    await expect(visible()).resolves.toBe(0);
    await page.selectOption('#f-level', '');
    await page.fill('#f-text', 'unknown plan');
    await expect(visible()).resolves.toBe(1);
    await expect(page.locator('#f-count').textContent()).resolves.toBe('1 of 3 requirements');
    await page.fill('#f-text', '');
    await page.locator('.tables a.set-filter[data-area="orchestration"][data-verdict="fail"]').click();
    await expect(page.locator('#f-count').textContent()).resolves.toBe('1 of 3 requirements');
  });

  it('runs none of the adapter\'s markup or script, fetches nothing, and shows the payloads as text', async () => {
    await page.evaluate("document.querySelectorAll('details').forEach((d) => { d.open = true; }); window.scrollTo(0, document.body.scrollHeight)");
    await page.reload();
    expect(await pwned()).toBeUndefined();
    expect(dialogs).toEqual([]);
    await expect(page.locator('img').count()).resolves.toBe(0);
    await expect(page.locator('script').count()).resolves.toBe(1);
    const text = await page.locator('body').innerText();
    expect(text).toContain('<img src=x onerror="window.__pwned=1"></script><script>window.__pwned=2</script>');
    await expect(page.locator('details.failure', { hasText: 'lifecycle.unknown-plan' }).locator('.message').textContent()).resolves.toContain(`refused <img src=x onerror=`);
    expect(new Set(requests)).toEqual(new Set([htmlUrl]));
    expect(consoleErrors).toEqual([]);
  });

  it('would notice a payload that ran (the same payload, unescaped, flips the flag)', async () => {
    const probe = await context.newPage();
    try {
      await probe.setContent(`<body>${EVIL}</body>`);
      await probe.waitForFunction('window.__pwned !== undefined');
      expect(await probe.evaluate('window.__pwned')).toBeDefined();
    } finally {
      await probe.close();
    }
  });
});

describe('HTML report text', () => {
  it('is one self-contained file: a CSP that forbids every fetch, inline style and one inline script, no external reference', async () => {
    const text = await readFile(html, 'utf8');
    expect(text).toMatch(/<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;; style-src &#39;unsafe-inline&#39;; img-src data:; script-src &#39;sha256-[A-Za-z0-9+/=]+&#39;/);
    expect(text.match(/<script/g)).toHaveLength(1);
    expect(text).not.toMatch(/(src|href)="(https?:)?\/\//);
    expect(text).not.toContain(EVIL);
    expect(text).not.toContain('\u2028');
  });

  it('escapes every character that could end text or an attribute', () => {
    expect(esc(`<a href='x'>"&\u2028\u2029`)).toBe('&lt;a href=&#39;x&#39;&gt;&quot;&amp;&#x2028;&#x2029;');
  });

  it('highlights the step a finding is about and the broken dependency edge into it', () => {
    const dag: PlanDag = {
      steps: [
        { name: 'a', id: '1', after: [], status: 'failed' },
        { name: 'b', id: '2', after: [], status: 'completed' },
        { name: 'c', id: '3', after: ['a', 'b'], status: 'pending' },
      ],
    };
    const v = violationOf([{ where: 'expect.final.steps.c', message: 'step c is pending, expected blocked' }], dag);
    expect([...v.steps]).toEqual(['c']);
    expect([...v.edges]).toEqual(['a→c']);
    const order = violationOf([{ where: 'expect.events.pipeline_stage', message: 'saw 4' }, { where: 'expect.order[0]', message: '"a.failed < c.blocked": no event matches c.blocked' }], dag);
    expect([...order.steps].sort()).toEqual(['a', 'c']);
    expect(violationOf([{ where: 'expect.max_overlap', message: 'peak 3, limit 2' }], dag).steps.size).toBe(0);
  });
});

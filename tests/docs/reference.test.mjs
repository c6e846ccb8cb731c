// The standalone reference `make docs` builds (dist/reference.html, Redocly build-docs --inlineBundle): it carries
// its scripts inline, and opened from disk with every network request blocked it renders every operation of the
// spec the server serves. DOCS_REFERENCE_HTML points it at another build (how the gate was shown to fail).

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';

import {
  NO_PROBLEMS,
  PROJECT_ROOT,
  describeOperation,
  launchBrowser,
  reportPath,
  requireEnv,
  servedSpec,
  specOperations,
  watchedPage,
  writeReport,
} from './support.mjs';

const referencePath = path.resolve(PROJECT_ROOT, process.env.DOCS_REFERENCE_HTML ?? 'dist/reference.html');
const referenceUrl = pathToFileURL(referencePath).href;
// "Network off": the file itself and what its scripts make in memory; anything else is blocked and recorded.
const isInsideTheFile = (url) => url === referenceUrl || /^(data|blob):/.test(url);

let browser;
let operations;
const report = { reference: referencePath };

before(async () => {
  browser = await launchBrowser();
  operations = specOperations(await servedSpec(requireEnv('API_BASE_URL')));
  assert.ok(operations.length > 0, 'the served spec declares no operations');
});

after(async () => {
  await browser?.close();
  writeReport('reference.json', report);
});

const escapeRegExp = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const cssString = (text) => JSON.stringify(text);
// Rendering is quick (milliseconds); a few seconds without the element means it is not coming.
const shows = (locator) =>
  locator.waitFor({ timeout: 5000 }).then(
    () => true,
    () => false,
  );

test('the reference loads nothing from a CDN: no external script, stylesheet, image or frame', () => {
  const html = readFileSync(referencePath, 'utf8');
  const externalLoads = [
    ...html.matchAll(/<(script|link|img|iframe|source)\b[^>]*\b(src|href)\s*=\s*["']?(https?:)?\/\/[^"'\s>]*/gi),
    ...html.matchAll(/@import\s+(url\()?\s*["']?(https?:)?\/\/[^"')\s]*/gi),
  ].map((match) => match[0]);
  assert.deepEqual(externalLoads, []);
  // Inline: Redoc itself (megabytes) sits in a <script> of the page, not behind a loader pointing elsewhere.
  const inlineScriptSizes = [...html.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/gi)].map((match) => match[1].length);
  const largestInlineScript = Math.max(0, ...inlineScriptSizes);
  assert.ok(largestInlineScript > 500_000, `largest inline script: ${largestInlineScript} characters`);
});

test('the reference opened from disk, network off, renders every operation of the spec', async () => {
  const watched = await watchedPage(browser.context, { isLocal: isInsideTheFile });
  const { page } = watched;
  await page.goto(referenceUrl);
  // The page arrives prerendered; its menu ignores clicks until React has hydrated it (and attached its props).
  await page.waitForFunction(() => {
    const link = document.querySelector('.menu-item-type-group > a, .menu-item-type-operation > a');
    return link !== null && Object.keys(link).some((key) => key.startsWith('__reactProps$'));
  });
  await page.screenshot({ path: reportPath('reference.png'), fullPage: true });

  // For each operation, as a reader would: open its tag in the menu, click the operation (labelled with its
  // summary, or its operationId without one) and see its request panel, "METHOD path", rendered.
  const missing = [];
  for (const operation of operations) {
    const label = operation.summary ?? operation.operationId;
    const menu = operation.tags.length
      ? page.locator('.menu-item-type-group').filter({
          has: page.locator(':scope > a', { hasText: new RegExp(`^\\s*${escapeRegExp(operation.tags[0])}\\s*$`) }),
        })
      : page.locator('[data-component-name="Menu/Menu"]').first();
    const entry = menu
      .locator('.menu-item-type-operation')
      .filter({ has: page.locator(`[data-text=${cssString(label)}]`) })
      .filter({ has: page.locator(`[data-component-name="Tags/HttpTag"].tag-${operation.method}`) })
      .first();
    const requestPanel = page
      .locator('[data-component-name="Panel/PanelHeader"] [data-component-name="Button/Button"]')
      .filter({ has: page.getByText(operation.path, { exact: true }) })
      .filter({ has: page.locator(`.tag-${operation.method}`) })
      .first();
    if (operation.tags.length && !(await entry.isVisible())) {
      await menu.locator(':scope > a').click();
    }
    if (!(await shows(entry))) {
      missing.push(`${describeOperation(operation)}: no menu entry "${label}"`);
      continue;
    }
    await entry.click();
    if (!(await shows(requestPanel))) {
      missing.push(`${describeOperation(operation)}: its request panel did not render`);
    }
  }
  await page.screenshot({ path: reportPath('reference-last-operation.png') });
  report.missing = missing;
  report.operations = operations.map(describeOperation);
  Object.assign(report, watched.log);

  assert.deepEqual(missing, [], 'operations of the spec that the reference does not render');
  assert.deepEqual(watched.problems(), NO_PROBLEMS);
  assert.deepEqual(watched.log.requests.filter((url) => !isInsideTheFile(url)), [], 'requests that left the file');
  const badge = page.locator('img[alt="redocly logo"]');
  if ((await badge.count()) > 0) assert.match(await badge.first().getAttribute('src'), /^data:/);
});

test('the reference names the CDN nowhere it would load from', () => {
  const html = readFileSync(referencePath, 'utf8');
  assert.deepEqual(html.match(/https:\/\/cdn\.redoc\.ly\/[^`"'\s]*/g) ?? [], []);
  assert.deepEqual(html.match(/fonts\.(googleapis|gstatic)\.com/g) ?? [], []);
});

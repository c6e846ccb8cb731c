// The docs the service serves, in a real browser: Swagger UI (/docs) and Redoc (/redoc) render every operation
// of the spec, load nothing from outside the server, and Swagger UI's Authorize + "Try it out" work end to end.
// Run under scripts.live_server (API_BASE_URL, API_USERS_FILE): see `make docs-test` in mk/docs.mk.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';

import {
  NO_PROBLEMS,
  describeOperation,
  launchBrowser,
  reportPath,
  requireEnv,
  servedSpec,
  specOperations,
  watchedPage,
  writeReport,
} from './support.mjs';

const baseUrl = requireEnv('API_BASE_URL');
const serverOrigin = new URL(baseUrl).origin;
const [seededUser] = JSON.parse(readFileSync(requireEnv('API_USERS_FILE'), 'utf8'));
const CURRENT_USER = { method: 'get', path: '/v1/users/me' };

// Only the server itself: its pages, assets, spec and API, and the blob: workers Redoc makes from them.
const isServerUrl = (url) => url.startsWith('data:') || new URL(url).origin === serverOrigin;

let browser;
let spec;
let operations;
const report = { baseUrl, pages: {} };

before(async () => {
  browser = await launchBrowser();
  spec = await servedSpec(baseUrl);
  operations = specOperations(spec);
  assert.ok(operations.length > 0, 'the served spec declares no operations');
  report.operations = operations.map(describeOperation);
});

after(async () => {
  await browser?.close();
  writeReport('served-docs.json', report);
});

/** The token URL of the spec's OAuth2 password flow: where Swagger UI's Authorize dialog logs in. */
function passwordFlowTokenUrl(document) {
  const schemes = Object.values(document.components?.securitySchemes ?? {});
  const tokenUrl = schemes.find((scheme) => scheme.type === 'oauth2')?.flows?.password?.tokenUrl;
  assert.ok(tokenUrl, 'the spec declares no OAuth2 password flow, so Swagger UI has no login dialog');
  return tokenUrl;
}

/** Swagger UI's opblocks as rendered: element id, method and path (as written in the spec). */
async function renderedSwaggerOperations(page) {
  return page.locator('.opblock').evaluateAll((blocks) =>
    blocks.map((block) => ({
      id: block.id,
      method: block.querySelector('.opblock-summary-method')?.textContent?.trim().toLowerCase(),
      path: block.querySelector('.opblock-summary-path')?.getAttribute('data-path'),
    })),
  );
}

/** Swagger UI's opblock of one operation, located by what the user sees: its method and its path. */
function swaggerOpblock(page, { method, path }) {
  return page
    .locator('.opblock')
    .filter({ has: page.locator(`.opblock-summary-path[data-path="${path}"]`) })
    .filter({ has: page.locator('.opblock-summary-method', { hasText: new RegExp(`^${method}$`, 'i') }) })
    .first();
}

test('/docs (Swagger UI) renders every operation of the spec and loads nothing from elsewhere', async () => {
  const watched = await watchedPage(browser.context, { isLocal: isServerUrl });
  const { page } = watched;
  await page.goto(`${baseUrl}/docs`);
  await page.locator('.opblock').first().waitFor();
  // Swagger UI renders all opblocks in one pass once the spec has loaded; idle network means it has.
  await page.waitForLoadState('networkidle');

  const rendered = await renderedSwaggerOperations(page);
  const missing = operations.filter(
    (operation) =>
      !rendered.some(
        (block) =>
          block.method === operation.method &&
          block.path === operation.path &&
          block.id.endsWith(`-${operation.operationId}`),
      ),
  );
  const unexpected = rendered.filter(
    (block) => !operations.some((operation) => operation.method === block.method && operation.path === block.path),
  );
  await page.screenshot({ path: reportPath('swagger-ui.png'), fullPage: true });
  report.pages['/docs'] = { rendered: rendered.length, missing: missing.map(describeOperation), ...watched.log };

  assert.deepEqual(missing.map(describeOperation), [], 'operations of the spec that Swagger UI did not render');
  assert.deepEqual(unexpected, [], 'opblocks for operations the spec does not declare');
  assert.deepEqual(watched.problems(), NO_PROBLEMS);
  assert.deepEqual(watched.log.requests.filter((url) => !isServerUrl(url)), [], 'requests that left the server');
});

test('/docs: the server dropdown names this server, the common headers are described once', async () => {
  const watched = await watchedPage(browser.context, { isLocal: isServerUrl });
  const { page } = watched;
  await page.goto(`${baseUrl}/docs`);
  await page.locator('.opblock').first().waitFor();

  const servers = await page.locator('.servers select option').allInnerTexts();
  assert.equal(servers.length, 1, servers.join(' | '));
  assert.ok(servers[0].includes(`This server: ${serverOrigin}`), servers[0]);
  assert.ok(!servers[0].includes('`'), servers[0]);

  // The API's description says once what every answer carries; no operation repeats it.
  const info = await page.locator('.information-container').innerText();
  assert.match(info, /Headers on every answer/);
  const operation = swaggerOpblock(page, CURRENT_USER);
  await operation.locator('.opblock-summary-control').click();
  await operation.locator('.responses-table').first().waitFor();
  const shown = await operation.innerText();
  for (const name of ['RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset', 'Access-Control-Allow-Origin']) {
    assert.ok(!shown.includes(name), `${name} is listed under ${CURRENT_USER.path} again`);
  }
  assert.match(shown, /WWW-Authenticate/); // the 401's own header is still there
  await operation.screenshot({ path: reportPath('swagger-ui-operation.png') });
  assert.deepEqual(watched.problems(), NO_PROBLEMS);
});

test('/docs: Authorize logs in through the token endpoint and "Try it out" on GET /v1/users/me shows 200', async () => {
  const watched = await watchedPage(browser.context, { isLocal: isServerUrl });
  const { page } = watched;
  await page.goto(`${baseUrl}/docs`);
  const operation = swaggerOpblock(page, CURRENT_USER);
  await operation.locator('.opblock-summary-control').click();
  await operation.getByRole('button', { name: 'Try it out' }).click();
  const status = operation.locator('.live-responses-table tbody .response-col_status');

  // First without authorizing: the same button must show the API refusing, or a 200 later would prove nothing.
  const [anonymous] = await Promise.all([
    page.waitForResponse((response) => new URL(response.url()).pathname === CURRENT_USER.path),
    operation.getByRole('button', { name: 'Execute' }).click(),
  ]);
  assert.equal(anonymous.status(), 401);
  await status.filter({ hasText: /^401$/ }).waitFor();
  await operation.getByRole('button', { name: 'Clear' }).click();
  await status.waitFor({ state: 'detached' });

  // The OAuth2 password flow dialog: the seeded user's email and password; client id and secret stay empty.
  const tokenPath = new URL(passwordFlowTokenUrl(spec), baseUrl).pathname;
  await page.locator('.auth-wrapper').getByRole('button', { name: 'Authorize' }).click();
  const dialog = page.locator('.modal-ux');
  // The dialog says what to type: register first, the username is the email; nothing else is asked for.
  await dialog.locator('#oauth_username').waitFor();
  const explained = await dialog.innerText();
  assert.match(explained, /Register first/);
  assert.match(explained, /\/v1\/auth\/register/);
  assert.match(explained, /username[\s\S]*is your\s+email/);
  assert.ok(!/Scopes are used to grant/.test(explained), explained);
  for (const unused of ['[id^="client_id"]', '[id^="client_secret"]', '#password_type']) {
    assert.equal(await dialog.locator(unused).isVisible(), false, `${unused} is shown`);
  }
  const usernameHint = await dialog
    .locator('label[for="oauth_username"]')
    .evaluate((label) => getComputedStyle(label, '::after').content);
  assert.equal(usernameHint, '" (your email)"');
  await dialog.locator('.modal-ux-inner').screenshot({ path: reportPath('swagger-ui-authorize-dialog.png') });
  await dialog.locator('#oauth_username').fill(seededUser.email);
  await dialog.locator('#oauth_password').fill(seededUser.password);
  const [tokenResponse] = await Promise.all([
    page.waitForResponse((response) => new URL(response.url()).pathname === tokenPath),
    dialog.getByRole('button', { name: 'Apply given OAuth2 credentials' }).click(),
  ]);
  assert.equal(tokenResponse.status(), 200, `the token endpoint answered ${tokenResponse.status()}`);
  const form = new URLSearchParams(tokenResponse.request().postData() ?? '');
  assert.equal(form.get('grant_type'), 'password');
  assert.equal(form.get('username'), seededUser.email);
  const issued = await tokenResponse.json();
  // Once authorized the dialog shows the logged-in state and swaps its Authorize button for Logout.
  await dialog.getByRole('button', { name: 'Remove authorization' }).waitFor();
  assert.match(await dialog.innerText(), /Authorized/);
  await page.screenshot({ path: reportPath('swagger-ui-authorized.png'), fullPage: true });
  await dialog.locator('.modal-ux-inner').screenshot({ path: reportPath('swagger-ui-authorized-dialog.png') });
  await dialog.getByRole('button', { name: 'Close' }).click();
  await dialog.waitFor({ state: 'detached' });

  const [request] = await Promise.all([
    page.waitForRequest((candidate) => new URL(candidate.url()).pathname === CURRENT_USER.path),
    operation.getByRole('button', { name: 'Execute' }).click(),
  ]);
  assert.equal(request.headers().authorization, `Bearer ${issued.access_token}`, 'the token from the dialog');
  assert.equal((await request.response())?.status(), 200);
  await status.filter({ hasText: /^200$/ }).waitFor();
  const shownBody = operation.locator('.live-responses-table tbody .response-col_description pre').first();
  const account = JSON.parse(await shownBody.innerText());
  assert.equal(account.email, seededUser.email);
  assert.equal(account.id, seededUser.id);
  await page.screenshot({ path: reportPath('swagger-ui-try-it-out.png'), fullPage: true });
  // The full page is too tall to read the answer on; this one shows just the operation and its response.
  await operation.screenshot({ path: reportPath('swagger-ui-try-it-out-operation.png') });
  report.pages['/docs (authorize, try it out)'] = { shownStatus: 200, shownEmail: account.email, ...watched.log };

  // The only error response, and Chromium's console line about it, is the deliberate anonymous call above.
  const { httpErrors, consoleErrors, ...otherProblems } = watched.problems();
  assert.deepEqual(httpErrors, [`401 GET ${CURRENT_USER.path}`]);
  assert.equal(consoleErrors.length, 1, consoleErrors.join('\n'));
  assert.match(consoleErrors[0], /status of 401/);
  assert.ok(consoleErrors[0].endsWith(`(${baseUrl}${CURRENT_USER.path})`), consoleErrors[0]);
  const { httpErrors: _, consoleErrors: __, ...noOtherProblems } = NO_PROBLEMS;
  assert.deepEqual(otherProblems, noOtherProblems);
});

test('/redoc (Redoc) renders every operation of the spec and loads nothing from elsewhere', async () => {
  const watched = await watchedPage(browser.context, { isLocal: isServerUrl });
  const { page } = watched;
  await page.goto(`${baseUrl}/redoc`);
  await page.locator('[data-section-id^="operation/"]').first().waitFor();
  await page.waitForLoadState('networkidle');

  // Redoc gives each operation a section "operation/<operationId>" holding its summary and its path.
  const missing = [];
  for (const operation of operations) {
    const section = page.locator(`[data-section-id="operation/${operation.operationId}"]`);
    const text = (await section.count()) === 1 ? await section.innerText() : '';
    const shown = text.includes(operation.path) && (!operation.summary || text.includes(operation.summary));
    if (!shown) missing.push(describeOperation(operation));
  }
  await page.screenshot({ path: reportPath('redoc.png'), fullPage: true });
  // The full page is tens of thousands of pixels tall; one operation at readable size shows what it looks like.
  const currentUser = operations.find(({ method, path }) => method === CURRENT_USER.method && path === CURRENT_USER.path);
  if (currentUser) {
    const section = page.locator(`[data-section-id="operation/${currentUser.operationId}"]`);
    if ((await section.count()) === 1) await section.screenshot({ path: reportPath('redoc-operation.png') });
  }
  report.pages['/redoc'] = { missing, ...watched.log };

  assert.deepEqual(missing, [], 'operations of the spec that Redoc did not render');
  assert.deepEqual(watched.problems(), NO_PROBLEMS);
  assert.deepEqual(watched.log.requests.filter((url) => !isServerUrl(url)), [], 'requests that left the server');
  // The Redocly badge is there, with a local image.
  const badge = page.locator('img[alt="redocly logo"]');
  if ((await badge.count()) > 0) assert.match(await badge.first().getAttribute('src'), /^data:/);

  // Operation pages: no header rows repeated, no regular expressions under fields; the download is the contract.
  const listItems = page.locator('[data-section-id="operation/listItems"]');
  const text = await listItems.innerText();
  assert.ok(!text.includes('RateLimit-Limit'), 'listItems repeats RateLimit-Limit');
  assert.ok(!/\^\[|\{1,16\}/.test(text), `a regular expression is shown under listItems:\n${text.slice(0, 2000)}`);
  const download = page.locator('a[download], a:has-text("Download")').first();
  assert.equal(new URL(await download.getAttribute('href'), baseUrl).pathname, '/openapi.yaml');
});

// Shared by the docs browser tests: Debian's Chromium driven by playwright-core, a watcher that records every
// request, failure and console error of a page, the operations the spec declares, and the reports folder.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { chromium } from 'playwright-core';

export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const REPORTS_DIR = path.resolve(PROJECT_ROOT, process.env.DOCS_REPORTS_DIR ?? 'reports/docs');
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

// Chromium's own background traffic (component updates, safe browsing, sync) would otherwise try to reach the
// internet and, on a machine without it, leave refused connections behind; QUIC is off for the same reason.
const CHROMIUM_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/** A fresh Chromium with its own throw-away profile. `close()` removes the profile too. */
export async function launchBrowser() {
  const profile = mkdtempSync(path.join(tmpdir(), 'docs-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 900 },
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * Opens a page that records what it loads. `isLocal(url)` says which URLs may be fetched; every other request
 * is aborted (so nothing leaves the machine) and recorded as external: a healthy docs page has none (Redoc's
 * Redocly badge image, which came from Redocly's CDN, is local now). `problems()` returns what a healthy docs
 * page must not have; `log.requests` is every URL the page asked for.
 */
export async function watchedPage(context, { isLocal }) {
  const page = await context.newPage();
  const log = { requests: [], external: [], failed: [], httpErrors: [], consoleErrors: [], pageErrors: [] };

  await page.route(
    (url) => !isLocal(url.href),
    (route) => route.abort('blockedbyclient'),
  );
  page.on('request', (request) => {
    log.requests.push(request.url().slice(0, 200));
    if (isLocal(request.url())) return;
    log.external.push(`${request.method()} ${request.url()}`);
  });
  page.on('requestfailed', (request) => {
    log.failed.push(`${request.method()} ${request.url()}: ${request.failure()?.errorText}`);
  });
  page.on('response', (response) => {
    if (response.status() >= 400) {
      log.httpErrors.push(`${response.status()} ${response.request().method()} ${new URL(response.url()).pathname}`);
    }
  });
  page.on('console', (message) => {
    // A resource that fails to load, or that the page's Content-Security-Policy blocks before any request, is
    // reported on the console.
    if (message.type() !== 'error') return;
    log.consoleErrors.push(`${message.text()} (${message.location().url})`);
  });
  page.on('pageerror', (error) => log.pageErrors.push(String(error)));

  return {
    page,
    log,
    problems() {
      const { external, failed, httpErrors, consoleErrors, pageErrors } = log;
      return { external, failed, httpErrors, consoleErrors, pageErrors };
    },
  };
}

export const NO_PROBLEMS = { external: [], failed: [], httpErrors: [], consoleErrors: [], pageErrors: [] };

/** Every operation of an OpenAPI document: {method, path, operationId, summary, tags}. */
export function specOperations(spec) {
  const operations = [];
  for (const [route, pathItem] of Object.entries(spec.paths ?? {})) {
    for (const method of HTTP_METHODS) {
      const operation = pathItem[method];
      if (!operation) continue;
      operations.push({
        method,
        path: route,
        operationId: operation.operationId,
        summary: operation.summary,
        tags: operation.tags ?? [],
      });
    }
  }
  return operations;
}

export const describeOperation = (operation) =>
  `${operation.method.toUpperCase()} ${operation.path} (${operation.operationId ?? 'no operationId'})`;

/** The spec the server serves (`/openapi.json`, the file as JSON): what every docs page must show. */
export async function servedSpec(baseUrl) {
  const response = await fetch(new URL('/openapi.json', baseUrl));
  if (!response.ok) throw new Error(`GET /openapi.json answered ${response.status}`);
  return response.json();
}

export function requireEnv(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run this under scripts.live_server (see mk/docs.mk)`);
  return value;
}

export function reportPath(name) {
  mkdirSync(REPORTS_DIR, { recursive: true });
  return path.join(REPORTS_DIR, name);
}

export function writeReport(name, data) {
  writeFileSync(reportPath(name), `${JSON.stringify(data, null, 2)}\n`);
}

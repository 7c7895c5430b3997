// What the browser tests share: the HipCoach server started and stopped around them, Debian's
// chromium, pages that collect their errors, and the axe-core audit.
//
// The binary comes from $HIPCOACH_BIN (default build/hipcoach in the repository root) and runs
// as `hipcoach serve --listen 127.0.0.1:0 --data data --web web` from the repository root;
// with a database, also `--db sqlite:TMPDIR/hipcoach.sqlite`, a fresh file for each server.

import assert from 'node:assert/strict';
import {spawn} from 'node:child_process';
import {existsSync, mkdirSync, mkdtempSync, rmSync} from 'node:fs';
import {readFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

import {after, afterEach, before, beforeEach} from 'node:test';

import {chromium} from 'playwright-core';

export const kRepositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const kScreenshots = path.join(kRepositoryRoot, 'build/screenshots');
const kAxeScript = path.join(kRepositoryRoot, 'node_modules/axe-core/axe.min.js');
const kListeningLine = /HipCoach listening on (http:\/\/127\.0\.0\.1:\d+\/)/;
const kStartTimeoutMilliseconds = 15000;

// Starts the server. Resolves to {url, database_path, stop} once it prints its listening line; `stop()` sends
// SIGTERM and resolves when the process has exited (and its database is removed). With
// `database`, the server gets a new, empty SQLite database in a temporary directory. Rejects
// when the binary is missing, exits early or does not print the line in time; the error carries
// what it wrote to stderr.
export async function start_server({binary = process.env.HIPCOACH_BIN ?? 'build/hipcoach', database = false} = {}) {
  const executable = path.resolve(kRepositoryRoot, binary);
  if (!existsSync(executable)) {
    throw new Error(`start_server: ${executable}: no such file; build HipCoach or set HIPCOACH_BIN`);
  }
  const arguments_ = ['serve', '--listen', '127.0.0.1:0', '--data', 'data', '--web', 'web'];
  const database_dir = database ? mkdtempSync(path.join(os.tmpdir(), 'hipcoach-browser-')) : null;
  const database_path = database_dir ? path.join(database_dir, 'hipcoach.sqlite') : null;
  const remove_database = () => {
    if (database_dir) rmSync(database_dir, {recursive: true, force: true});
  };
  if (database_path) arguments_.push('--db', `sqlite:${database_path}`);
  const child = spawn(executable, arguments_, {cwd: kRepositoryRoot, stdio: ['ignore', 'pipe', 'pipe']});
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk) => { stderr += chunk; });
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => {
    remove_database();
    resolve({code, signal});
  }));

  const url = await new Promise((resolve, reject) => {
    let stdout = '';
    const timer = setTimeout(() => {
      child.kill('SIGTERM');
      reject(new Error(`start_server: no listening line within ${kStartTimeoutMilliseconds} ms; ` +
                       `stdout: ${stdout.slice(-500)} stderr: ${stderr.slice(-2000)}`));
    }, kStartTimeoutMilliseconds);
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      const match = kListeningLine.exec(stdout);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.once('error', (error) => {
      clearTimeout(timer);
      remove_database();
      reject(new Error(`start_server: ${executable}: ${error.message}`));
    });
    exited.then(({code, signal}) => {
      clearTimeout(timer);
      reject(new Error(`start_server: server exited (code ${code}, signal ${signal}) before listening; ` +
                       `stderr: ${stderr.slice(-2000)}`));
    });
  });

  return {
    url,
    // The SQLite file the server uses (null without `database`), e.g. for `hipcoach user add`.
    database_path,
    stderr: () => stderr,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

// Launches Debian's chromium headless (HIPCOACH_CHROMIUM overrides the path), with the flags that
// keep it off the network it cannot reach. Playwright gives every launch a fresh temporary
// profile (user-data dir) and removes it on close.
export async function launch_browser() {
  return chromium.launch({
    executablePath: process.env.HIPCOACH_CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
           '--disable-sync', '--no-first-run', '--disable-quic'],
  });
}

// Opens a page in a fresh context (fresh storage) of `browser`. Uncaught page errors and
// Content-Security-Policy violations are collected in page.errors; page.close_all() closes the
// context. The page runs under the server's Content-Security-Policy; axe-core is evaluated
// through the DevTools protocol, which the policy does not govern.
// `timezone_id` (an IANA name such as 'America/Chicago') sets the browser's local time zone.
export async function new_page(browser, {width, height, color_scheme = 'light', timezone_id}) {
  const context = await browser.newContext({viewport: {width, height}, colorScheme: color_scheme,
                                            reducedMotion: 'reduce',
                                            ...(timezone_id ? {timezoneId: timezone_id} : {})});
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) errors.push(message.text());
  });
  page.errors = errors;
  page.close_all = () => context.close();
  return page;
}

let axe_source_text = null;
async function axe_source() {
  axe_source_text ??= await readFile(kAxeScript, 'utf8');
  return axe_source_text;
}

// Runs axe-core on the page (injecting it once) and returns the violations, each as
// {id, impact, help, nodes: ['selector: summary', ...]}.
export async function axe_violations(page) {
  if (!(await page.evaluate(() => Boolean(window.axe)))) await page.evaluate(await axe_source());
  return page.evaluate(async () => {
    const {violations} = await window.axe.run(document, {resultTypes: ['violations']});
    return violations.map((v) => ({id: v.id, impact: v.impact, help: v.help,
                                   nodes: v.nodes.map((n) => `${n.target.join(' ')}: ${n.failureSummary}`)}));
  });
}

// Fails with each violation described when axe-core finds any on `page`; `what` names the state.
export async function assert_no_axe_violations(page, what) {
  const violations = await axe_violations(page);
  assert.equal(violations.length, 0, `${what}:\n${describe_violations(violations)}`);
}

// True when the page fits its viewport's width (nothing scrolls sideways).
export async function no_horizontal_scroll(page) {
  return page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth);
}

// Signs a new patient up on `page`, which shows account.html, and waits until they are signed in.
export async function sign_up_on_page(page, email, password) {
  await page.locator('#signed-in:not([hidden]), #signed-out:not([hidden])').waitFor();
  await page.locator('#sign-up-email').fill(email);
  await page.locator('#sign-up-password').fill(password);
  await page.locator('#sign-up-submit').click();
  await page.locator('#signed-in').waitFor();
}

// The violations as text for an assertion message.
export function describe_violations(violations) {
  return violations.map((v) => `${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.join('\n    ')}`).join('\n');
}

// Calls the JSON API from inside `page` with fetch, as the page's own scripts do: same origin,
// with the page's session cookie and Origin header. Resolves to {status, body} (body is the
// parsed JSON, the text when it is not JSON, or null when empty).
export async function call_api(page, method, api_path, body) {
  return page.evaluate(async ({method, api_path, body}) => {
    const response = await fetch(api_path, {
      method,
      headers: body === undefined ? {Accept: 'application/json'}
        : {Accept: 'application/json', 'Content-Type': 'application/json'},
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    let parsed = text === '' ? null : text;
    try {
      parsed = text === '' ? null : JSON.parse(text);
    } catch {
      // Not JSON: keep the text.
    }
    return {status: response.status, body: parsed};
  }, {method, api_path, body});
}

// The hooks of a spec whose tests each need an empty database: one browser for the whole file
// and, for each test, a fresh server with a new SQLite database, stopped after it. Call it at
// the top of the file; the returned object's `server` and `browser` are set as the hooks run.
export function server_per_test() {
  const env = {server: null, browser: null};
  before(async () => {
    mkdirSync(kScreenshots, {recursive: true});
    env.browser = await launch_browser();
  });
  after(async () => {
    await env.browser?.close();
  });
  beforeEach(async () => {
    env.server = await start_server({database: true});
  });
  afterEach(async () => {
    await env.server?.stop();
  });
  return env;
}

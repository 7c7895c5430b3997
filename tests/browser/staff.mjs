// Staff accounts for the browser tests: made with the CLI on the test server's own database
// (`hipcoach user add EMAIL --role clinician --db sqlite:PATH`), and signed in through account.html.
// Every spec that needs a clinician or an admin uses these, so a change to how staff sign in
// is made here once.
//
// Staff need two-step sign-in (TOTP). The first sign_in_staff of an account sets it up through
// the account page, as a clinician would: it reads the setup key the page shows, computes the
// code as an authenticator app does (RFC 6238: HMAC-SHA1, 6 digits, 30 s steps, node:crypto),
// confirms it and ticks "I have saved my recovery codes". Later sign-ins enter the code. The
// keys are kept here, in this process, by server and email. The server refuses a code of a
// time step already used, and accepts the step after the current one: a second sign-in within
// the same 30 s uses that next step, and only a third one waits for the clock.

import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import {createHmac} from 'node:crypto';
import path from 'node:path';

import {kRepositoryRoot} from './server.mjs';

export const kStaffPassword = 'correct horse battery';

const kStepSeconds = 30;
const kBase32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

// What the tests' authenticator app holds, by `${origin} ${email}`: {key, last_step}.
const authenticators = new Map();

// The bytes of a base32 text (RFC 4648), ignoring spaces, case and padding.
export function base32_decode(text) {
  const letters = text.replace(/[\s=-]/g, '').toUpperCase();
  const bytes = [];
  let buffer = 0;
  let bits = 0;
  for (const letter of letters) {
    const value = kBase32.indexOf(letter);
    if (value < 0) throw new Error(`base32_decode: not a base32 letter: ${letter}`);
    buffer = (buffer << 5) | value;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      bytes.push((buffer >> bits) & 0xff);
    }
  }
  return Buffer.from(bytes);
}

// The 6-digit TOTP code of `key` (a Buffer) for time step `step` (RFC 6238, RFC 4226 5.3).
export function totp_code(key, step) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const digest = createHmac('sha1', key).update(counter).digest();
  const offset = digest[19] & 0x0f;
  const binary = ((digest[offset] & 0x7f) << 24) | (digest[offset + 1] << 16) | (digest[offset + 2] << 8) |
                 digest[offset + 3];
  return String(binary % 1_000_000).padStart(6, '0');
}

export function current_step(now_milliseconds = Date.now()) {
  return Math.floor(now_milliseconds / 1000 / kStepSeconds);
}

// The next code `email`'s authenticator may use on the server of `page`: the current step, or
// the one after when the current one was used; waits for the clock only when both were.
// Remembers the step as used.
export async function next_code(page, email) {
  const entry = authenticators.get(authenticator_key(page, email));
  assert.ok(entry, `staff.mjs: no two-step sign-in was set up for ${email} in this test run`);
  for (;;) {
    const now = current_step();
    const step = Math.max(now, entry.last_step + 1);
    if (step <= now + 1) {
      entry.last_step = step;
      return totp_code(entry.key, step);
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

function authenticator_key(page, email) {
  return `${new URL(page.url()).origin} ${email.toLowerCase()}`;
}

// Makes a staff account on `server`'s database (from start_server({database: true})); the password
// is the first line of standard input.
export function add_staff(server, email, role = 'clinician', password = kStaffPassword) {
  const binary = path.resolve(kRepositoryRoot, process.env.HIPCOACH_BIN ?? 'build/hipcoach');
  const run = spawnSync(binary, ['user', 'add', email, '--role', role, '--db', `sqlite:${server.database_path}`],
                        {cwd: kRepositoryRoot, input: `${password}\n`, encoding: 'utf8'});
  assert.equal(run.status, 0, `hipcoach user add: ${run.stderr}`);
}

// Sets up two-step sign-in on `page`, which shows the account page's "Two-step sign-in"
// section with its start form, and waits until it is on and the recovery codes are saved.
// `before_confirm`, when given, is awaited once the QR code and key show, before the code is
// entered; `on_recovery_codes` once the recovery codes show. Returns the recovery codes.
export async function set_up_two_step(page, email, password = kStaffPassword,
                                      {before_confirm, on_recovery_codes} = {}) {
  await page.locator('#two-step-start-form').waitFor();
  await page.locator('#two-step-password').fill(password);
  await page.locator('#two-step-start').click();
  await page.locator('#two-step-secret:not(:empty)').waitFor();
  const key = base32_decode(await page.locator('#two-step-secret').textContent());
  if (before_confirm) await before_confirm();
  const step = current_step();
  authenticators.set(authenticator_key(page, email), {key, last_step: step});
  await page.locator('#two-step-code').fill(totp_code(key, step));
  await page.locator('#two-step-confirm').click();
  await page.locator('#recovery-codes:not([hidden])').waitFor();
  const codes = await page.locator('#recovery-list li').allTextContents();
  if (on_recovery_codes) await on_recovery_codes();
  await page.locator('#recovery-saved').check();
  await page.locator('#recovery-done').click();
  await page.locator('#two-step-on:not([hidden])').waitFor();
  return codes;
}

// Signs a staff account in on `page`, which shows account.html, and waits until it is signed in:
// the password, then setting up two-step sign-in (the first time) or the code.
export async function sign_in_staff(page, email, password = kStaffPassword) {
  await page.locator('#signed-in:not([hidden]), #signed-out:not([hidden])').waitFor();
  await page.locator('#sign-in-email').fill(email);
  await page.locator('#sign-in-password').fill(password);
  await page.locator('#sign-in-submit').click();
  const next = page.locator('main[data-stage="needs-code"], main[data-stage="needs-setup"], ' +
                            'main[data-stage="signed-in"]');
  await next.waitFor();
  const stage = await next.getAttribute('data-stage');
  if (stage === 'needs-setup') {
    await set_up_two_step(page, email, password);
  } else if (stage === 'needs-code') {
    await page.locator('#sign-in-code').fill(await next_code(page, email));
    await page.locator('#code-submit').click();
  }
  await page.locator('main[data-stage="signed-in"]').waitFor();
  await page.locator('#signed-in').waitFor();
}

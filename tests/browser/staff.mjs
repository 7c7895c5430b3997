// Staff accounts for the browser tests: made with the CLI on the test server's own database
// (`hipcoach user add EMAIL --role clinician --db sqlite:PATH`), and signed in through account.html.
// Every spec that needs a clinician or an admin uses these, so a change to how staff sign in
// (for example a second factor) is made here once.

import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import path from 'node:path';

import {kRepositoryRoot} from './server.mjs';

export const kStaffPassword = 'correct horse battery';

// Makes a staff account on `server`'s database (from start_server({database: true})); the password
// is the first line of standard input.
export function add_staff(server, email, role = 'clinician', password = kStaffPassword) {
  const binary = path.resolve(kRepositoryRoot, process.env.HIPCOACH_BIN ?? 'build/hipcoach');
  const run = spawnSync(binary, ['user', 'add', email, '--role', role, '--db', `sqlite:${server.database_path}`],
                        {cwd: kRepositoryRoot, input: `${password}\n`, encoding: 'utf8'});
  assert.equal(run.status, 0, `hipcoach user add: ${run.stderr}`);
}

// Signs a staff account in on `page`, which shows account.html, and waits until it is signed in.
export async function sign_in_staff(page, email, password = kStaffPassword) {
  await page.locator('#signed-in:not([hidden]), #signed-out:not([hidden])').waitFor();
  await page.locator('#sign-in-email').fill(email);
  await page.locator('#sign-in-password').fill(password);
  await page.locator('#sign-in-submit').click();
  await page.locator('#signed-in').waitFor();
}

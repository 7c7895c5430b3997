// Browser test of the "Summary for your doctor" section of the progress page (web/progress.html,
// web/js/summary.mjs) against a real HipCoach server on 127.0.0.1 with a fresh SQLite database:
// the printable summary shows the verdicts and the stop events, the link downloads the one-page
// PDF, and the page still passes the axe-core audit.
//
// Run from the repository root: node --test --test-concurrency=1 tests/browser/summary.spec.mjs

import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import {after, afterEach, before, beforeEach, describe, it} from 'node:test';

import {axe_violations, call_api, describe_violations, launch_browser, new_page, start_server} from './server.mjs';

const kPhone = {width: 360, height: 740};
const kPassword = 'correct horse battery';
const kDayMilliseconds = 24 * 60 * 60 * 1000;

let server;
let browser;

before(async () => {
  browser = await launch_browser();
});

after(async () => {
  await browser?.close();
});

beforeEach(async () => {
  server = await start_server({database: true});
});

afterEach(async () => {
  await server?.stop();
});

// An RFC 3339 time at `hour` UTC on the day `days` days ago.
function days_ago(days, hour = 9) {
  const date = new Date(Date.now() - days * kDayMilliseconds);
  date.setUTCHours(hour, 0, 0, 0);
  return date.toISOString().replace('.000Z', 'Z');
}

async function signed_in_page(options = {}) {
  const page = await new_page(browser, {...kPhone, ...options});
  page.email = 'summary@example.com';
  await page.goto(`${server.url}account.html`);
  await page.locator('#signed-out').waitFor();
  await page.locator('#sign-up-email').fill(page.email);
  await page.locator('#sign-up-password').fill(kPassword);
  await page.locator('#sign-up-submit').click();
  await page.locator('#signed-in').waitFor();
  return page;
}

describe('summary for your doctor', () => {
  it('shows the printable summary, downloads the one-page PDF and passes axe', async () => {
    const page = await signed_in_page({axe: true});
    try {
      for (const [pain, days] of [[8, 20], [7, 15], [5, 9], [3, 4], [2, 1]]) {
        const note = days === 1 ? 'Better 😀 痛み café' : undefined;
        const answer = await call_api(page, 'POST', '/api/v1/diary',
                                      {pain, at: days_ago(days), context: 'rest', side: 'left', note});
        assert.equal(answer.status, 201, JSON.stringify(answer.body));
      }
      await page.goto(`${server.url}progress.html`);
      await page.locator('#progress').waitFor();
      const section = page.locator('#doctor-summary');
      await section.getByText(/Since the first entry: meaningfully better/).waitFor();
      assert.match(await section.textContent(), /not a diagnosis/);

      const downloading = page.waitForEvent('download');
      await page.locator('#summary-pdf').click();
      const download = await downloading;
      assert.equal(download.suggestedFilename(), 'hipcoach-summary.pdf');
      const bytes = readFileSync(await download.path());
      assert.equal(bytes.subarray(0, 5).toString('latin1'), '%PDF-');
      assert.ok(bytes.length > 1500, `a PDF of ${bytes.length} bytes`);
      assert.match(bytes.toString('latin1'), /summary@example\.com/);

      const violations = await axe_violations(page);
      assert.equal(violations.length, 0, describe_violations(violations));
      assert.deepEqual(page.errors, []);
    } finally {
      await page.close_all();
    }
  });
});

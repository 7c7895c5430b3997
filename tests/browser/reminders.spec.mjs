// Browser tests of the Reminders section of the account page (web/account.html,
// web/js/reminders.mjs) against a real HipCoach server with a fresh SQLite database: choose days
// and a time, make a calendar link, fetch the feed through the page's origin, replace and turn
// off the link, and the axe audit.
//
// Run from the repository root: node --test tests/browser/reminders.spec.mjs
// (HIPCOACH_BIN names the server binary; the default is build/hipcoach.)
// Screenshots go to build/screenshots/reminders-*.png.

import assert from 'node:assert/strict';
import path from 'node:path';
import {describe, it} from 'node:test';

import {axe_violations, call_api, describe_violations, kScreenshots, new_page, server_per_test} from './server.mjs';

const kPhone = {width: 360, height: 740};
const kPassword = 'correct horse battery';

const env = server_per_test();
let serial = 0;

async function open_signed_in(options = {}) {
  const page = await new_page(env.browser, {...kPhone, ...options});
  await page.goto(`${env.server.url}account.html`);
  await page.locator('#signed-in:not([hidden]), #signed-out:not([hidden])').waitFor();
  serial += 1;
  await page.locator('#sign-up-email').fill(`person${serial}@example.com`);
  await page.locator('#sign-up-password').fill(kPassword);
  await page.locator('#sign-up-submit').click();
  await page.locator('#signed-in').waitFor();
  await page.locator('#reminders-now', {hasText: 'No reminders are set.'}).waitFor();
  return page;
}

// Fetches the feed as a calendar app would: no cookie, only the key in the address, but from
// the page's origin. Resolves to {status, type, cache, text}.
async function fetch_feed(page, url) {
  return page.evaluate(async (address) => {
    const response = await fetch(address, {credentials: 'omit'});
    return {status: response.status, type: response.headers.get('Content-Type'),
            cache: response.headers.get('Cache-Control'), text: await response.text()};
  }, url);
}

describe('reminders on the account page', () => {
  it('saves days and a time, makes a link whose feed has the alarm, replaces and turns it off', async () => {
    const page = await open_signed_in();
    try {
      assert.equal(await page.locator('#feed-make').textContent(), 'Make a calendar link');
      assert.equal(await page.locator('#feed-off').isVisible(), false);

      for (const day of ['mon', 'wed', 'fri']) await page.locator(`label[for="reminder-${day}"]`).click();
      await page.locator('#reminder-time').fill('18:30');
      await page.locator('#reminders-submit').click();
      await page.locator('#reminders-done', {hasText: 'Your reminders are saved.'}).waitFor();
      assert.equal(await page.locator('#reminders-now').textContent(),
                   'Your reminders: Monday, Wednesday and Friday at 18:30.');
      const saved = await call_api(page, 'GET', 'api/v1/me/reminders');
      assert.deepEqual(saved.body, {days: ['mon', 'wed', 'fri'], time: '18:30', feed: {active: false}});

      // The page shows the saved choice again after a reload.
      await page.reload();
      await page.locator('#reminders-now', {hasText: 'Your reminders:'}).waitFor();
      assert.equal(await page.locator('#reminder-wed').isChecked(), true);
      assert.equal(await page.locator('#reminder-tue').isChecked(), false);
      assert.equal(await page.locator('#reminder-time').inputValue(), '18:30');

      await page.locator('#feed-make').click();
      await page.locator('#feed-link:not([hidden])').waitFor();
      const web_url = await page.locator('#feed-url').inputValue();
      const webcal = await page.locator('#feed-webcal').inputValue();
      const origin = new URL(env.server.url);
      assert.match(web_url, new RegExp(`^${origin.origin}/api/v1/me/reminders\\.ics\\?key=[A-Za-z0-9_-]{43}$`));
      assert.equal(webcal, web_url.replace(/^http:\/\//, 'webcal://'));
      assert.equal(await page.locator('#feed-subscribe').getAttribute('href'), webcal);
      assert.equal(await page.locator('#feed-make').textContent(), 'Make a new link (the old one stops working)');
      assert.equal(await page.locator('#feed-off').isVisible(), true);
      await page.screenshot({path: path.join(kScreenshots, 'reminders-link.png'), fullPage: true});

      const feed = await fetch_feed(page, web_url);
      assert.equal(feed.status, 200);
      assert.equal(feed.type, 'text/calendar; charset=utf-8');
      assert.equal(feed.cache, 'private, no-store');
      assert.match(feed.text, /^BEGIN:VCALENDAR\r\n/);
      assert.match(feed.text, /\r\nRRULE:FREQ=WEEKLY;BYDAY=MO,WE,FR\r\n/);
      assert.match(feed.text, /\r\nBEGIN:VALARM\r\n/);
      assert.match(feed.text, /\r\nDTSTART:\d{8}T183000\r\n/);
      assert.doesNotMatch(feed.text, /example\.com/);

      // A new link: the old one stops working at once.
      await page.locator('#feed-make').click();
      await page.waitForFunction((old) => document.getElementById('feed-url').value !== old, web_url);
      const second_url = await page.locator('#feed-url').inputValue();
      assert.equal((await fetch_feed(page, web_url)).status, 404);
      assert.equal((await fetch_feed(page, second_url)).status, 200);

      await page.locator('#feed-off').click();
      await page.locator('#feed-state', {hasText: 'The calendar link is off'}).waitFor();
      assert.equal(await page.locator('#feed-link').isVisible(), false);
      assert.equal((await fetch_feed(page, second_url)).status, 404);
      assert.equal(await page.locator('#feed-make').textContent(), 'Make a calendar link');
      assert.deepEqual(page.errors, []);
    } finally {
      await page.close_all();
    }
  });

  it('shows a missing time at its field and saves nothing', async () => {
    const page = await open_signed_in();
    try {
      await page.locator('label[for="reminder-sun"]').click();
      await page.locator('#reminders-submit').click();
      const error = page.locator('#reminder-time-error');
      await error.waitFor();
      assert.match(await error.textContent(), /Enter the time of the session/);
      assert.equal(await page.locator('#reminder-time').getAttribute('aria-invalid'), 'true');
      const saved = await call_api(page, 'GET', 'api/v1/me/reminders');
      assert.deepEqual(saved.body, {days: [], time: null, feed: {active: false}});
      // The server names the field of a bad day, as the page would show it.
      const bad = await call_api(page, 'PUT', 'api/v1/me/reminders', {days: ['mon', 'mon'], time: '18:30'});
      assert.equal(bad.status, 400);
      assert.equal(bad.body.where, '/days/1');
    } finally {
      await page.close_all();
    }
  });

  it('tells the coach page whether a session is due today', async () => {
    const page = await open_signed_in();
    try {
      const due = await page.evaluate(async () => {
        const {due_today} = await import('./js/reminders.mjs');
        const reminders = {days: ['mon', 'wed'], time: '18:30', feed: {active: false}};
        // 2026-11-25 is a Wednesday, 2026-11-26 a Thursday (local dates).
        return [due_today(reminders, new Date(2026, 10, 25, 9, 0)), due_today(reminders, new Date(2026, 10, 26, 9, 0)),
                due_today({days: [], time: null}, new Date(2026, 10, 25))];
      });
      assert.deepEqual(due, ['18:30', null, null]);
    } finally {
      await page.close_all();
    }
  });

  for (const color_scheme of ['light', 'dark']) {
    it(`has no axe violations with a link shown (${color_scheme})`, async () => {
      const page = await open_signed_in({axe: true, color_scheme});
      try {
        await page.locator('label[for="reminder-tue"]').click();
        await page.locator('#reminder-time').fill('07:05');
        await page.locator('#reminders-submit').click();
        await page.locator('#reminders-done', {hasText: 'saved'}).waitFor();
        await page.locator('#feed-make').click();
        await page.locator('#feed-link:not([hidden])').waitFor();
        const violations = await axe_violations(page);
        assert.equal(violations.length, 0, describe_violations(violations));
        // The error state too.
        await page.locator('#reminder-time').fill('');
        await page.locator('#reminders-submit').click();
        await page.locator('#reminder-time-error:not([hidden])').waitFor();
        const with_error = await axe_violations(page);
        assert.equal(with_error.length, 0, describe_violations(with_error));
      } finally {
        await page.close_all();
      }
    });
  }
});

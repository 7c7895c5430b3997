// Browser tests of the pain diary (web/diary.html), the questionnaires (web/questionnaire.html)
// and the progress page (web/progress.html) against a real HipCoach server on 127.0.0.1 with a
// fresh SQLite database for each test, driving Debian's chromium through playwright-core and
// auditing with axe-core.
//
// Run from the repository root: node --test --test-concurrency=1 tests/browser/*.spec.mjs
// (HIPCOACH_BIN names the server binary; the default is build/hipcoach.)
// Screenshots go to build/screenshots/{diary,questionnaire,progress}-*.png.

import assert from 'node:assert/strict';
import path from 'node:path';
import {describe, it} from 'node:test';

import {assert_no_axe_violations, call_api, kScreenshots, new_page, no_horizontal_scroll, server_per_test} from './server.mjs';

const kPhone = {width: 360, height: 740};
const kDesktop = {width: 1280, height: 800};
const kPassword = 'correct horse battery';
const kDayMilliseconds = 24 * 60 * 60 * 1000;

const env = server_per_test();
let serial = 0;

// Opens a fresh context, creates an account through the account page and returns the page,
// signed in, with page.email set.
async function signed_in_page(options = {}) {
  const page = await new_page(env.browser, {...kPhone, ...options});
  serial += 1;
  page.email = `diarist${serial}@example.com`;
  await page.goto(`${env.server.url}account.html`);
  await page.locator('#signed-out').waitFor();
  await page.locator('#sign-up-email').fill(page.email);
  await page.locator('#sign-up-password').fill(kPassword);
  await page.locator('#sign-up-submit').click();
  await page.locator('#signed-in').waitFor();
  return page;
}

async function open_diary(page) {
  await page.goto(`${env.server.url}diary.html`);
  await page.locator('#diary').waitFor();
}

async function add_entries(page, entries) {
  for (const entry of entries) {
    const answer = await call_api(page, 'POST', '/api/v1/diary', {context: 'rest', side: 'left', ...entry});
    assert.equal(answer.status, 201, JSON.stringify(answer.body));
  }
}

// An RFC 3339 time (UTC, whole seconds) `minutes` minutes ago.
function minutes_ago(minutes) {
  const date = new Date(Date.now() - minutes * 60 * 1000);
  date.setUTCMilliseconds(0);
  return date.toISOString().replace('.000Z', 'Z');
}

// An RFC 3339 time at `hour` UTC on the day `days` days ago.
function days_ago(days, hour = 9) {
  const date = new Date(Date.now() - days * kDayMilliseconds);
  date.setUTCHours(hour, 0, 0, 0);
  return date.toISOString().replace('.000Z', 'Z');
}

async function screenshot(page, name, {full_page = false} = {}) {
  await page.screenshot({path: path.join(kScreenshots, `${name}.png`), fullPage: full_page});
}

describe('pain diary', () => {
  it('adds an entry in at most three actions, keeps it after a reload, and deletes it', async () => {
    const page = await signed_in_page();
    try {
      await open_diary(page);
      assert.match(await page.locator('#entries-status').textContent(), /No entries yet/);
      assert.equal(await page.locator('#region').inputValue(), 'outer_hip');
      assert.equal(await page.locator('#context-rest').isChecked(), true);

      let actions = 0;
      const act = async (locator) => { actions += 1; await locator.click(); };
      const saved = page.waitForResponse((r) => r.url().endsWith('/api/v1/diary') && r.request().method() === 'POST');
      await act(page.locator('label[for="pain-6"]'));
      await act(page.locator('label[for="side-left"]'));
      await act(page.locator('#save'));
      assert.equal((await saved).status(), 201);
      assert.ok(actions <= 3, `${actions} actions`);
      await page.locator('#saved').filter({hasText: /Saved: pain 6 out of 10/}).waitFor();
      const first = page.locator('.entry').first();
      assert.match(await first.textContent(), /Pain 6 out of 10, at rest, left side, outside of the hip/);
      assert.equal(await page.locator('#pain-6').isChecked(), false, 'the number stays chosen for the next entry');

      // The side is remembered: the next entry is the number and Save.
      await page.locator('label[for="pain-3"]').click();
      await page.locator('#save').click();
      await page.locator('#saved').filter({hasText: /pain 3 out of 10/}).waitFor();
      assert.equal(await page.locator('.entry').count(), 2);
      const stored = await page.evaluate(() => JSON.stringify(window.localStorage));
      assert.doesNotMatch(stored, /"pain"|\b[36]\b/, 'a pain value was kept in localStorage');

      await page.reload();
      await page.locator('#diary').waitFor();
      assert.equal(await page.locator('.entry').count(), 2);
      assert.equal(await page.locator('#side-left').isChecked(), true, 'the side was not remembered');
      assert.match(await page.locator('.entry').first().textContent(), /Pain 3 out of 10/);

      const newest = page.locator('.entry').first();
      await newest.getByRole('button', {name: /^Delete the entry of/}).click();
      await newest.locator('.confirm-question').waitFor();
      assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Keep');
      await newest.getByRole('button', {name: 'Keep'}).click();
      assert.equal(await page.locator('.entry').count(), 2);
      await newest.getByRole('button', {name: /^Delete the entry of/}).click();
      const deleted = page.waitForResponse((r) => r.request().method() === 'DELETE');
      await newest.getByRole('button', {name: 'Delete', exact: true}).click();
      assert.equal((await deleted).status(), 204);
      await page.locator('#entries-status').filter({hasText: 'Entry deleted.'}).waitFor();
      assert.equal(await page.locator('.entry').count(), 1);
      await page.reload();
      await page.locator('#diary').waitFor();
      assert.equal(await page.locator('.entry').count(), 1);
      assert.match(await page.locator('.entry').textContent(), /Pain 6 out of 10/);
      assert.deepEqual(page.errors, []);
    } finally {
      await page.close_all();
    }
  });

  it('asks for the number and the side at the field, without sending anything', async () => {
    const page = await signed_in_page();
    try {
      await open_diary(page);
      let posted = false;
      page.on('request', (r) => { if (r.method() === 'POST') posted = true; });
      await page.locator('#save').click();
      await page.locator('#pain-error').waitFor();
      assert.match(await page.locator('#pain-error').textContent(), /0 \(no pain\) to 10/);
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'pain-0');
      await page.locator('label[for="pain-2"]').click();
      await page.locator('#save').click();
      await page.locator('#side-error').waitFor();
      assert.equal(await page.locator('#pain-error').isVisible(), false);
      assert.equal(posted, false);
    } finally {
      await page.close_all();
    }
  });

  it('can be filled in with the keyboard alone', async () => {
    const page = await signed_in_page();
    try {
      await open_diary(page);
      await page.locator('#pain-0').focus();
      for (let press = 0; press < 4; ++press) await page.keyboard.press('ArrowRight');
      assert.equal(await page.locator('#pain-4').isChecked(), true);
      const outline = await page.locator('label[for="pain-4"]').evaluate((l) => getComputedStyle(l).outlineStyle);
      assert.notEqual(outline, 'none', 'the focused tile shows no outline');
      await page.keyboard.press('Tab');
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'context-rest');
      await page.keyboard.press('Tab');
      await page.keyboard.press('Space');
      assert.equal(await page.locator('#side-left').isChecked(), true);
      await page.locator('#save').focus();
      await page.keyboard.press('Enter');
      await page.locator('#saved').filter({hasText: /pain 4 out of 10/}).waitFor();
    } finally {
      await page.close_all();
    }
  });

  it('shows times in the reader\'s local time and loads older entries with the cursor', async () => {
    const page = await signed_in_page({timezone_id: 'America/Chicago'});
    try {
      await add_entries(page, [{pain: 7, at: '2026-11-20T14:30:00Z', note: 'after the walk'}]);
      await add_entries(page, Array.from({length: 24}, (_, index) => ({pain: index % 11, at: minutes_ago(index + 1)})));
      await open_diary(page);
      assert.equal(await page.locator('.entry').count(), 20);
      assert.equal(await page.locator('#load-more').isVisible(), true);
      await page.locator('#load-more').click();
      await page.waitForFunction(() => document.querySelectorAll('.entry').length === 25);
      assert.equal(await page.locator('#load-more').isVisible(), false);
      const oldest = page.locator('.entry').last();
      const time = await oldest.locator('time').textContent();
      assert.match(time, /8:30/, `${time} is not 14:30 UTC in Chicago`);
      assert.match(time, /20/);
      assert.equal(await oldest.locator('time').getAttribute('datetime'), '2026-11-20T14:30:00Z');
      assert.match(await oldest.textContent(), /after the walk/);
    } finally {
      await page.close_all();
    }
  });

  it('sends a signed-out visitor to sign in, and back to the diary afterwards', async () => {
    const page = await new_page(env.browser, kPhone);
    try {
      await page.goto(`${env.server.url}diary.html`);
      await page.waitForURL(/account\.html\?next=diary/);
      await page.locator('#signed-out').waitFor();
      assert.match(await page.locator('#notice').textContent(), /Sign in, or create an account, to use your pain diary/);
      await page.locator('#sign-up-email').fill('returning@example.com');
      await page.locator('#sign-up-password').fill(kPassword);
      await page.locator('#sign-up-submit').click();
      await page.waitForURL(/diary\.html$/);
      await page.locator('#diary').waitFor();
    } finally {
      await page.close_all();
    }
  });

  it('asks to sign in again after signing out', async () => {
    const page = await signed_in_page();
    try {
      await open_diary(page);
      await page.goto(`${env.server.url}account.html`);
      await page.locator('#sign-out').click();
      await page.locator('#signed-out').waitFor();
      assert.equal(await page.evaluate(() => window.localStorage.length), 0);
      await page.goto(`${env.server.url}diary.html`);
      await page.waitForURL(/account\.html\?next=diary/);
      await page.locator('#notice').filter({hasText: /pain diary/}).waitFor();
    } finally {
      await page.close_all();
    }
  });

  it('never shows one account\'s entries to another', async () => {
    const first = await signed_in_page();
    const second = await signed_in_page();
    try {
      await add_entries(first, [{pain: 8, note: 'first person only'}]);
      const listed = await call_api(first, 'GET', '/api/v1/diary');
      const id = listed.body.entries[0].id;
      await open_diary(first);
      assert.equal(await first.locator('.entry').count(), 1);

      await open_diary(second);
      assert.equal(await second.locator('.entry').count(), 0);
      assert.doesNotMatch(await second.locator('main').textContent(), /first person only/);
      assert.equal((await call_api(second, 'GET', `/api/v1/diary/${id}`)).status, 404);
      assert.equal((await call_api(second, 'DELETE', `/api/v1/diary/${id}`)).status, 404);
      await first.reload();
      await first.locator('#diary').waitFor();
      assert.equal(await first.locator('.entry').count(), 1, 'the other account deleted the entry');
    } finally {
      await first.close_all();
      await second.close_all();
    }
  });

  for (const color_scheme of ['light', 'dark']) {
    it(`passes axe, ${color_scheme}, at 360x740, empty and with entries`, async () => {
      const page = await signed_in_page({color_scheme, axe: true});
      try {
        await open_diary(page);
        await assert_no_axe_violations(page, `empty diary, ${color_scheme}`);
        await screenshot(page, `diary-empty-${color_scheme}`);
        await page.locator('#save').click();
        await page.locator('#pain-error').waitFor();
        await assert_no_axe_violations(page, `diary with an error, ${color_scheme}`);
        await screenshot(page, `diary-error-${color_scheme}`);
        await add_entries(page, [{pain: 5, at: days_ago(1), note: 'Stiff after sitting through a long meeting'},
                                 {pain: 3, at: minutes_ago(30), context: 'activity', side: 'both', region: 'buttock'}]);
        await page.reload();
        await page.locator('#diary').waitFor();
        await page.locator('label[for="pain-4"]').click();
        await page.locator('.entry').first().getByRole('button', {name: /^Delete/}).click();
        await assert_no_axe_violations(page, `diary with entries and a confirmation, ${color_scheme}`);
        await screenshot(page, `diary-entries-${color_scheme}`, {full_page: true});
        assert.equal(await no_horizontal_scroll(page), true);
        assert.deepEqual(page.errors, []);
      } finally {
        await page.close_all();
      }
    });
  }

  it('fits the quick path on the first screen of a phone', async () => {
    const page = await signed_in_page();
    try {
      await open_diary(page);
      const save = await page.locator('#save').boundingBox();
      assert.ok(save.y + save.height <= kPhone.height, `Save ends at ${save.y + save.height} px`);
      for (const value of [0, 10]) {
        const tile = await page.locator(`label[for="pain-${value}"]`).boundingBox();
        assert.ok(tile.width >= 44 && tile.height >= 44, `tile ${value} is ${tile.width}x${tile.height}`);
      }
    } finally {
      await page.close_all();
    }
  });
});

describe('questionnaires', () => {
  it('takes the NPRS and shows the score with its range and direction', async () => {
    const page = await signed_in_page();
    try {
      await page.goto(`${env.server.url}questionnaire.html`);
      await page.locator('.questionnaire-card').first().waitFor();
      await page.getByRole('link', {name: /Answer the NPRS/}).click();
      await page.locator('#form-title').waitFor();
      assert.match(await page.locator('.licence').textContent(), /Licence and source/);
      await page.locator('.questionnaire-form label[for$="-4"]').first().click();
      const sent = page.waitForResponse((r) => r.url().includes('/responses'));
      await page.locator('#send').click();
      assert.equal((await sent).status(), 201);
      await page.locator('#result-title').waitFor();
      const text = await page.locator('.score-result').textContent();
      assert.match(text, /4\s*out of 10/);
      assert.match(text, /from 0 to 10/);
      assert.match(text, /lower score is better/);
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'result-title');
    } finally {
      await page.close_all();
    }
  });

  it('takes the LEFS, pointing at the first unanswered item, and shows the score', async () => {
    const page = await signed_in_page({axe: true});
    try {
      await page.goto(`${env.server.url}questionnaire.html#lefs`);
      await page.locator('#form-title').waitFor();
      const items = page.locator('fieldset.item');
      const count = await items.count();
      assert.equal(count, 20);
      for (let index = 0; index < count - 1; ++index) await items.nth(index).locator('label').nth(3).click();
      await page.locator('#send').click();
      await page.locator(`#item-${count - 1}-error`).waitFor();
      assert.equal(await items.nth(count - 1).getAttribute('aria-invalid'), 'true');
      await assert_no_axe_violations(page, 'LEFS with an error');
      await items.nth(count - 1).locator('label').nth(4).click();
      await page.locator('#send').click();
      await page.locator('#result-title').waitFor();
      assert.match(await page.locator('.score-result').textContent(), /61\s*out of 80/);
      assert.match(await page.locator('.score-result').textContent(), /higher score is better/);
      await assert_no_axe_violations(page, 'LEFS score');
      await screenshot(page, 'questionnaire-score-light');
    } finally {
      await page.close_all();
    }
  });

  it('lets the person name three to five activities for the PSFS', async () => {
    const page = await signed_in_page();
    try {
      await page.goto(`${env.server.url}questionnaire.html#psfs`);
      await page.locator('#form-title').waitFor();
      const rows = page.locator('.activity-list > fieldset');
      assert.equal(await rows.count(), 3);
      await page.locator('#add-activity').click();
      await page.locator('#add-activity').click();
      assert.equal(await rows.count(), 5);
      assert.equal(await page.locator('#add-activity').isVisible(), false);
      await rows.nth(4).getByRole('button', {name: /Remove/}).click();
      assert.equal(await rows.count(), 4);
      const activities = ['Climbing stairs', 'Walking 30 minutes', 'Lying on my left side', 'Getting out of a car'];
      for (const [index, activity] of activities.entries()) {
        await rows.nth(index).locator('input[type="text"]').fill(activity);
        await rows.nth(index).locator('label.tile').nth(index + 3).click();
      }
      const request = page.waitForRequest((r) => r.url().includes('/questionnaires/psfs/responses'));
      await page.locator('#send').click();
      const body = (await request).postDataJSON();
      assert.deepEqual(body.answers, activities.map((text, index) => ({text, value: index + 3})));
      await page.locator('#result-title').waitFor();
      assert.match(await page.locator('.score-result').textContent(), /4\.5\s*out of 10/);
    } finally {
      await page.close_all();
    }
  });

  for (const color_scheme of ['light', 'dark']) {
    it(`passes axe signed out and signed in, ${color_scheme}, at 360x740`, async () => {
      const visitor = await new_page(env.browser, {...kPhone, color_scheme, axe: true});
      try {
        await visitor.goto(`${env.server.url}questionnaire.html`);
        await visitor.locator('.questionnaire-card').first().waitFor();
        assert.match(await visitor.locator('main').textContent(), /sign in or create an account/);
        await assert_no_axe_violations(visitor, `list, signed out, ${color_scheme}`);
        await screenshot(visitor, `questionnaire-list-signed-out-${color_scheme}`);
      } finally {
        await visitor.close_all();
      }
      const page = await signed_in_page({color_scheme, axe: true});
      try {
        await page.goto(`${env.server.url}questionnaire.html`);
        await page.locator('.questionnaire-card').first().waitFor();
        await assert_no_axe_violations(page, `list, signed in, ${color_scheme}`);
        await screenshot(page, `questionnaire-list-${color_scheme}`);
        for (const id of ['nprs', 'lefs', 'psfs']) {
          await page.goto(`${env.server.url}questionnaire.html#${id}`);
          await page.locator('#form-title').waitFor();
          await assert_no_axe_violations(page, `${id}, signed in, ${color_scheme}`);
          await screenshot(page, `questionnaire-${id}-${color_scheme}`);
        }
        assert.equal(await no_horizontal_scroll(page), true);
        assert.deepEqual(page.errors, []);
      } finally {
        await page.close_all();
      }
    });
  }
});

describe('progress', () => {
  it('shows a chart, the verdict with its thresholds and a table after a few entries', async () => {
    const page = await signed_in_page();
    try {
      await add_entries(page, [{pain: 8, at: days_ago(20)}, {pain: 7, at: days_ago(17)}, {pain: 6, at: days_ago(12)},
                               {pain: 5, at: days_ago(8)}, {pain: 3, at: days_ago(3)}, {pain: 2, at: days_ago(1)}]);
      await page.goto(`${env.server.url}progress.html`);
      await page.locator('#progress').waitFor();
      const pain = page.locator('section.measure').filter({has: page.getByRole('heading', {name: /Pain/})});
      const chart = pain.locator('svg[role="img"]');
      await chart.waitFor();
      assert.equal(await chart.locator('circle.chart-point').count(), 6);
      assert.match(await chart.locator('title').textContent(), /6 scores/);
      assert.match(await chart.locator('desc').textContent(), /First 8.*latest 2/);
      assert.ok(await chart.locator('polyline.chart-weekly').count() === 1);
      assert.match(await pain.locator('.verdict').first().textContent(), /Meaningfully better/);
      assert.match(await pain.textContent(), /MCID/);
      assert.ok(await pain.locator('.cite').count() > 0, 'the thresholds cite no source');
      await pain.locator('summary').click();
      const table = pain.locator('table').first();
      assert.match(await table.locator('caption').textContent(), /each score/);
      assert.equal(await table.locator('tbody tr').count(), 6);
      assert.match(await page.locator('#clinician').textContent(), /get checked if the pain gets worse/);
      assert.ok(await page.locator('.source-list li').count() > 0);
      assert.deepEqual(page.errors, []);
    } finally {
      await page.close_all();
    }
  });

  it('says honestly when there are not enough entries to judge change', async () => {
    const page = await signed_in_page();
    try {
      await add_entries(page, [{pain: 6}]);
      await page.goto(`${env.server.url}progress.html`);
      await page.locator('#progress').waitFor();
      assert.match(await page.locator('#summary-list').textContent(), /Not enough entries yet to judge change/);
      assert.doesNotMatch(await page.locator('#summary-list').textContent(), /Meaningfully better/);
      assert.match(await page.locator('#clinician').textContent(), /request an appointment/);
    } finally {
      await page.close_all();
    }
  });

  it('sends a signed-out visitor to sign in', async () => {
    const page = await new_page(env.browser, kPhone);
    try {
      await page.goto(`${env.server.url}progress.html`);
      await page.waitForURL(/account\.html\?next=progress/);
      await page.locator('#notice').filter({hasText: /see your progress/}).waitFor();
    } finally {
      await page.close_all();
    }
  });

  for (const [size, color_scheme] of [[kPhone, 'light'], [kPhone, 'dark'], [kDesktop, 'light']]) {
    it(`passes axe at ${size.width}x${size.height}, ${color_scheme}, with entries and sessions`, async () => {
      const page = await signed_in_page({...size, color_scheme, axe: true});
      try {
        await page.goto(`${env.server.url}progress.html`);
        await page.locator('#progress').waitFor();
        await assert_no_axe_violations(page, `empty progress, ${color_scheme}`);
        await add_entries(page, [{pain: 7, at: days_ago(25)}, {pain: 6, at: days_ago(19)}, {pain: 6, at: days_ago(14)},
                                 {pain: 4, at: days_ago(9)}, {pain: 5, at: days_ago(4)}, {pain: 3, at: days_ago(1)}]);
        const session = await call_api(page, 'POST', '/api/v1/guided-sessions',
                                       {started_at: days_ago(2, 18), ended_at: days_ago(2, 19), pain_before: 5,
                                        pain_after: 3, record: {}});
        assert.equal(session.status, 201, JSON.stringify(session.body));
        await page.reload();
        await page.locator('#progress').waitFor();
        await page.locator('svg.chart').first().waitFor();
        const name = size === kPhone ? `progress-phone-${color_scheme}` : 'progress-desktop-light';
        await screenshot(page, name);
        await assert_no_axe_violations(page, `progress, ${color_scheme}`);
        for (const details of await page.locator('details').all()) await details.locator('summary').click();
        await assert_no_axe_violations(page, `progress with its tables open, ${color_scheme}`);
        await screenshot(page, `${name}-full`, {full_page: true});
        assert.equal(await no_horizontal_scroll(page), true);
        assert.deepEqual(page.errors, []);
      } finally {
        await page.close_all();
      }
    });
  }
});

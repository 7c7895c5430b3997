// Browser tests of the account page (web/account.html) and the site header against a real
// HipCoach server on 127.0.0.1 with a fresh SQLite database for each test, driving Debian's
// chromium through playwright-core and auditing with axe-core.
//
// Run from the repository root: node --test --test-concurrency=1 tests/browser/*.spec.mjs
// (HIPCOACH_BIN names the server binary; the default is build/hipcoach.)
// Screenshots go to build/screenshots/account-*.png.

import assert from 'node:assert/strict';
import {mkdirSync, readFileSync} from 'node:fs';
import path from 'node:path';
import {describe, it} from 'node:test';

import {assert_no_axe_violations, call_api, kScreenshots, new_page, no_horizontal_scroll, server_per_test} from './server.mjs';

const kPhone = {width: 360, height: 740};
const kPassword = 'correct horse battery';

const env = server_per_test();
let serial = 0;

function new_email() {
  serial += 1;
  return `person${serial}@example.com`;
}

// Opens `file` (e.g. 'account.html') in a fresh context and waits until the page has decided
// whether someone is signed in.
async function open_account(options = {}, file = 'account.html') {
  const page = await new_page(env.browser, {...kPhone, ...options});
  await page.goto(`${env.server.url}${file}`);
  await wait_for_account_state(page);
  return page;
}

async function wait_for_account_state(page) {
  await page.locator('#signed-in:not([hidden]), #signed-out:not([hidden])').waitFor();
}

async function wait_for_account_state_if(page, file) {
  if (['account.html', 'diary.html', 'progress.html', 'coach.html'].includes(file)) await wait_for_account_state(page);
}

async function sign_up(page, email = new_email(), password = kPassword) {
  await page.locator('#sign-up-email').fill(email);
  await page.locator('#sign-up-password').fill(password);
  await page.locator('#sign-up-submit').click();
  await page.locator('#signed-in').waitFor();
  return email;
}

async function sign_in(page, email, password = kPassword) {
  await page.locator('#sign-in-email').fill(email);
  await page.locator('#sign-in-password').fill(password);
  await page.locator('#sign-in-submit').click();
}

async function screenshot(page, name, {full_page = false} = {}) {
  await page.screenshot({path: path.join(kScreenshots, `account-${name}.png`), fullPage: full_page});
}

describe('account page', () => {
  it('signs up, stays signed in after a reload, and signs out', async () => {
    const page = await open_account();
    try {
      assert.equal(await page.locator('#signed-out').isVisible(), true);
      const email = await sign_up(page);
      assert.equal(await page.locator('#me-email').textContent(), email);
      assert.match(await page.locator('#notice').textContent(), /You are signed in/);
      const cookies = await page.context().cookies();
      const session = cookies.find((cookie) => cookie.name === 'hipcoach_session');
      assert.ok(session, 'no session cookie');
      assert.equal(session.httpOnly, true);
      assert.equal(await page.evaluate(() => document.cookie.includes('hipcoach_session')), false);
      assert.equal(await page.evaluate((text) => JSON.stringify(window.localStorage).includes(text), email), false);

      await page.reload();
      await wait_for_account_state(page);
      assert.equal(await page.locator('#me-email').textContent(), email);

      await page.locator('#sign-out').click();
      await page.locator('#signed-out').waitFor();
      assert.match(await page.locator('#notice').textContent(), /You are signed out/);
      await page.reload();
      await wait_for_account_state(page);
      assert.equal(await page.locator('#signed-out').isVisible(), true, 'still signed in after signing out');
      assert.deepEqual(page.errors, []);
    } finally {
      await page.close_all();
    }
  });

  it('shows a short password at the field, before asking the server', async () => {
    const page = await open_account();
    try {
      let posted = false;
      page.on('request', (request) => { if (request.url().endsWith('/api/v1/accounts')) posted = true; });
      await page.locator('#sign-up-email').fill(new_email());
      await page.locator('#sign-up-password').fill('short');
      await page.locator('#sign-up-submit').click();
      const error = page.locator('#sign-up-password-error');
      await error.waitFor();
      assert.match(await error.textContent(), /at least 10 characters/);
      assert.equal(await page.locator('#sign-up-password').getAttribute('aria-invalid'), 'true');
      assert.match(await page.locator('#sign-up-password').getAttribute('aria-describedby'), /sign-up-password-error/);
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'sign-up-password');
      assert.equal(posted, false);
    } finally {
      await page.close_all();
    }
  });

  it('shows the server\'s detail at the field its `where` names', async () => {
    const page = await open_account();
    try {
      const email = new_email();
      await page.locator('#sign-up-email').fill(email);
      await page.locator('#sign-up-password').fill(email);
      const answer = page.waitForResponse((r) => r.url().endsWith('/api/v1/accounts'));
      await page.locator('#sign-up-submit').click();
      const response = await answer;
      assert.equal(response.status(), 400);
      const problem = await response.json();
      assert.equal(problem.where, '/password');
      const error = page.locator('#sign-up-password-error');
      await error.waitFor();
      assert.equal((await error.textContent()).toLowerCase().includes(problem.detail.toLowerCase()), true,
                   `${await error.textContent()} does not show "${problem.detail}"`);
      assert.equal(await page.locator('#signed-in').isVisible(), false);
    } finally {
      await page.close_all();
    }
  });

  it('refuses a second account with the same email, and a wrong password without saying which', async () => {
    const first = await open_account();
    const email = await sign_up(first);
    await first.close_all();
    const page = await open_account();
    try {
      await page.locator('#sign-up-email').fill(email);
      await page.locator('#sign-up-password').fill(kPassword);
      await page.locator('#sign-up-submit').click();
      await page.locator('#sign-up-email-error:not([hidden]), #sign-up-error:not([hidden])').waitFor();
      assert.equal(await page.locator('#signed-in').isVisible(), false);

      await sign_in(page, email, 'not the password at all');
      const error = page.locator('#sign-in-error');
      await error.waitFor();
      assert.match(await error.textContent(), /email or password is wrong/i);
      assert.equal(await page.locator('#signed-in').isVisible(), false);

      await sign_in(page, email);
      await page.locator('#signed-in').waitFor();
      assert.equal(await page.locator('#me-email').textContent(), email);
    } finally {
      await page.close_all();
    }
  });

  it('says when to try again after too many sign-in attempts', async () => {
    const page = await open_account();
    try {
      await page.route('**/api/v1/sessions', (route) => route.fulfill({
        status: 429,
        headers: {'Retry-After': '42'},
        contentType: 'application/problem+json',
        body: JSON.stringify({type: 'about:blank', title: 'too many requests', status: 429,
                              detail: 'too many sign-in attempts; try again in 42 s', where: ''}),
      }));
      await sign_in(page, new_email());
      const error = page.locator('#sign-in-error');
      await error.waitFor();
      assert.match(await error.textContent(), /try again in 42 s/i);
      assert.equal(await page.locator('#sign-in-submit').isDisabled(), true);
    } finally {
      await page.close_all();
    }
  });

  it('changes the password: the old one stops working, the new one works', async () => {
    const page = await open_account();
    try {
      const email = await sign_up(page);
      await page.locator('#current-password').fill('this is not it');
      await page.locator('#new-password').fill('a brand new password');
      await page.locator('#password-submit').click();
      await page.locator('#current-password-error:not([hidden]), #password-error:not([hidden])').waitFor();

      await page.locator('#current-password').fill(kPassword);
      await page.locator('#new-password').fill('a brand new password');
      await page.locator('#password-submit').click();
      await page.locator('#password-done').filter({hasText: /password is changed/}).waitFor();
      assert.equal(await page.locator('#current-password').inputValue(), '');

      await page.locator('#sign-out').click();
      await page.locator('#signed-out').waitFor();
      await sign_in(page, email);
      await page.locator('#sign-in-error').waitFor();
      await sign_in(page, email, 'a brand new password');
      await page.locator('#signed-in').waitFor();
    } finally {
      await page.close_all();
    }
  });

  it('offers the data as JSON and CSV downloads', async () => {
    const page = await open_account();
    try {
      const email = await sign_up(page);
      const added = await call_api(page, 'POST', '/api/v1/diary', {pain: 4, context: 'rest', side: 'left'});
      assert.equal(added.status, 201);
      assert.equal(await page.locator('#export-json').getAttribute('href'), 'api/v1/me/export');
      assert.equal(await page.locator('#export-csv').getAttribute('href'), 'api/v1/me/export?format=csv');
      const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#export-json').click()]);
      const exported = JSON.parse(readFileSync(await download.path(), 'utf8'));
      assert.equal(exported.account.email, email);
      assert.equal(exported.diary.length, 1);
      const csv = await page.context().request.get(`${env.server.url}api/v1/me/export?format=csv`);
      assert.equal(csv.status(), 200);
      const lines = (await csv.text()).trim().split(/\r?\n/);
      assert.equal(lines[0], 'id,at,pain,region,side,context,note');
      assert.equal(lines.length, 2);
    } finally {
      await page.close_all();
    }
  });

  it('deletes the account only after a confirmation that says what goes', async () => {
    const page = await open_account();
    try {
      const email = await sign_up(page);
      assert.equal((await call_api(page, 'POST', '/api/v1/diary', {pain: 5, context: 'rest', side: 'right'})).status,
                   201);
      await page.locator('#delete-start').click();
      const confirm = page.locator('#delete-confirm');
      await confirm.waitFor();
      assert.equal(await page.locator('#delete-start').getAttribute('aria-expanded'), 'true');
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'delete-confirm-title');
      const text = await confirm.textContent();
      for (const part of [email, 'pain diary', 'questionnaire', 'guided-session', 'triage', 'cannot be undone']) {
        assert.ok(text.includes(part), `the confirmation does not mention "${part}"`);
      }
      await page.locator('#delete-cancel').click();
      assert.equal(await confirm.isVisible(), false);
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'delete-start');
      assert.equal((await call_api(page, 'GET', '/api/v1/me')).status, 200, 'Cancel deleted the account');

      await page.locator('#delete-start').click();
      await page.locator('#delete-confirm-button').click();
      await page.locator('#signed-out').waitFor();
      assert.match(await page.locator('#notice').textContent(), /deleted/);
      assert.equal((await call_api(page, 'GET', '/api/v1/me')).status, 401);
      await sign_in(page, email);
      await page.locator('#sign-in-error').waitFor();
      assert.match(await page.locator('#sign-in-error').textContent(), /email or password is wrong/i);
    } finally {
      await page.close_all();
    }
  });

  for (const color_scheme of ['light', 'dark']) {
    it(`passes axe signed out and signed in, ${color_scheme}, at 360x740`, async () => {
      const page = await open_account({color_scheme, axe: true});
      try {
        await assert_no_axe_violations(page, `signed out, ${color_scheme}`);
        await screenshot(page, `signed-out-${color_scheme}`);
        await page.locator('#sign-up-submit').click();
        await page.locator('#sign-up-email-error').waitFor();
        await assert_no_axe_violations(page, `signed out with an error, ${color_scheme}`);
        await screenshot(page, `error-${color_scheme}`);
        await sign_up(page);
        await assert_no_axe_violations(page, `signed in, ${color_scheme}`);
        await screenshot(page, `signed-in-${color_scheme}`);
        await page.locator('#delete-start').click();
        await assert_no_axe_violations(page, `delete confirmation, ${color_scheme}`);
        await page.locator('#delete-confirm').scrollIntoViewIfNeeded();
        await screenshot(page, `delete-${color_scheme}`);
        assert.equal(await no_horizontal_scroll(page), true);
        assert.deepEqual(page.errors, []);
      } finally {
        await page.close_all();
      }
    });
  }
});

describe('site header', () => {
  for (const file of ['index.html', 'triage.html', 'coach.html', 'account.html', 'diary.html', 'questionnaire.html',
                      'progress.html']) {
    it(`links every page from ${file} at 360 px, keyboard reachable, without sideways scrolling`, async () => {
      const page = await new_page(env.browser, kPhone);
      try {
        await page.goto(`${env.server.url}${file}`);
        // The diary, progress and coach pages send a signed-out visitor to the account page.
        if (['diary.html', 'progress.html', 'coach.html'].includes(file)) await page.waitForURL(/account\.html\?next=/);
        await wait_for_account_state_if(page, file);
        const nav = page.getByRole('navigation', {name: 'Site'});
        const names = await nav.getByRole('link').allTextContents();
        assert.deepEqual(names.map((name) => name.trim()), ['Guide', 'Check', 'Coach', 'Diary', 'Progress', 'Account']);
        assert.equal(await no_horizontal_scroll(page), true);
        for (const link of await nav.getByRole('link').all()) {
          const box = await link.boundingBox();
          assert.ok(box.height >= 44, `${await link.textContent()} is ${box.height} px high`);
          assert.ok(box.x >= 0 && box.x + box.width <= kPhone.width, `${await link.textContent()} is off screen`);
        }
        await page.keyboard.press('Tab');
        await page.keyboard.press('Tab');
        await page.keyboard.press('Tab');
        assert.equal(await page.evaluate(() => document.activeElement?.textContent?.trim()), 'Guide');
      } finally {
        await page.close_all();
      }
    });
  }
});

it('serves the new pages and their files with the types a browser needs', async () => {
  for (const [file, type] of [['account.html', /text\/html/], ['diary.html', /text\/html/],
                              ['questionnaire.html', /text\/html/], ['progress.html', /text\/html/],
                              ['css/app.css', /text\/css/], ['css/progress.css', /text\/css/],
                              ['js/account.mjs', /javascript/], ['js/diary.mjs', /javascript/],
                              ['js/questionnaire.mjs', /javascript/], ['js/progress.mjs', /javascript/],
                              ['js/chart.mjs', /javascript/], ['js/ui.mjs', /javascript/],
                              ['js/user-api.mjs', /javascript/], ['js/measures.mjs', /javascript/]]) {
    const response = await fetch(`${env.server.url}${file}`);
    assert.equal(response.status, 200, file);
    assert.match(response.headers.get('content-type') ?? '', type, file);
  }
});

// Browser tests of saving a check (web/triage.html, web/js/triage-save.mjs) to the person's
// record, against a real HipCoach server with a fresh SQLite database for each test: the
// signed-in person saves the result (POST /api/v1/me/triage) once, goes on to an appointment
// request with it attached; the signed-out person is told what signing in allows and comes back
// to the same result; errors are shown next to the button. At 360 px, light and dark, with the
// axe-core audit on every new state.
//
// Run from the repository root: node --test --test-concurrency=1 tests/browser/triage-save.spec.mjs
// Screenshots go to build/screenshots/triage-save-*.png.

import assert from 'node:assert/strict';
import path from 'node:path';
import {describe, it} from 'node:test';

import {assert_no_axe_violations, call_api, kScreenshots, new_page, no_horizontal_scroll, server_per_test,
        sign_up_on_page} from './server.mjs';

const kPhone = {width: 360, height: 800};
const kPassword = 'correct horse battery';

// Answers the triage rules judge self-care, with muscle groups to start with.
const kSelfCare = {
  age: 54, side: 'left', locations: ['outer_hip'], pain_now: 4, worst_pain_week: 6, duration_weeks: 3,
  aggravators: ['lying_on_side'], red_flags: [], cautions: [],
};
// And urgent (a red flag: fever or feeling unwell).
const kUrgent = {...kSelfCare, red_flags: ['fever_or_unwell']};

const env = server_per_test();

async function open_page(file, options = {}) {
  const page = await new_page(env.browser, {...kPhone, ...options});
  await page.goto(`${env.server.url}${file}`);
  return page;
}

const sign_up = (page, email) => sign_up_on_page(page, email, kPassword);

async function screenshot(page, name, {full_page = true} = {}) {
  await page.screenshot({path: path.join(kScreenshots, `triage-save-${name}.png`), fullPage: full_page});
}

// Opens the check page, answers every question with `answers` (API form) and waits for the result.
async function do_check(page, answers) {
  await page.goto(`${env.server.url}triage.html`);
  const {body} = await call_api(page, 'GET', '/api/v1/triage/questions');
  for (const question of body.questions) {
    await page.locator('#question-title').waitFor();
    const value = answers[question.id];
    if (question.type === 'integer') {
      await page.locator('#answer-input').fill(String(value));
    } else if (question.type === 'choice') {
      await page.locator(`#option-${value}`).check();
    } else if (value.length === 0) {
      await page.locator('#option-none').check();
    } else {
      for (const item of value) await page.locator(`#option-${item}`).check();
    }
    await page.locator('#next').click();
  }
  await page.locator('#result-title').waitFor();
}

async function saved_checks(page) {
  const answer = await call_api(page, 'GET', '/api/v1/me/triage');
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  return answer.body.triage;
}

describe('saving a check to the record', () => {
  for (const color_scheme of ['light', 'dark']) {
    it(`saves the check once and attaches it to an appointment request (${color_scheme}, 360 px, axe)`, async () => {
      const page = await open_page('account.html', {color_scheme, axe: true});
      try {
        await sign_up(page, 'pat@example.com');
        await do_check(page, kSelfCare);

        const button = page.locator('#save-button');
        assert.equal(await button.textContent(), 'Save this check to my record');
        assert.match(await page.locator('#save-who').textContent(), /Only you can see/);
        assert.equal(await page.locator('#save-next-area').isVisible(), false, 'next steps before saving');
        assert.deepEqual(await saved_checks(page), [], 'a check was saved without the button');
        await assert_no_axe_violations(page, `result with the save button, ${color_scheme}`);

        const posted = page.waitForRequest((r) => r.url().endsWith('/api/v1/me/triage') && r.method() === 'POST');
        await button.click();
        assert.deepEqual((await posted).postDataJSON(), kSelfCare, 'the saved answers are not the ones given');
        await page.locator('#save-next-area:not([hidden])').waitFor();
        assert.match(await page.locator('#save-done').textContent(), /^Saved\./);
        assert.equal(await page.locator('#save-done').getAttribute('aria-live'), 'polite');
        assert.equal(await button.isDisabled(), true, 'the button can save the check again');
        assert.equal(await page.evaluate(() => document.activeElement?.id), 'save-next-title');
        assert.equal(await button.textContent(), 'Saved to your record');
        assert.equal(await page.locator('#save-next-coach').getAttribute('href'), 'coach.html');
        await assert_no_axe_violations(page, `result saved, ${color_scheme}`);
        assert.equal(await no_horizontal_scroll(page), true);
        await page.locator('#save-check').scrollIntoViewIfNeeded();
        await screenshot(page, `saved-${color_scheme}`, {full_page: false});

        await button.click({force: true});
        let saved = await saved_checks(page);
        assert.equal(saved.length, 1, 'the check was saved more than once');
        assert.deepEqual(saved[0].answers, kSelfCare);
        assert.equal(saved[0].result.disposition, 'self_care');

        // A reload shows the same result, already saved: no second copy on offer.
        await page.reload();
        await page.locator('#result-title').waitFor();
        assert.equal(await page.locator('#save-button').isDisabled(), true);
        assert.equal(await page.locator('#save-next-area').isVisible(), true);
        assert.equal((await saved_checks(page)).length, 1);

        await page.locator('#save-next-appointment').click();
        await page.waitForURL(/appointments\.html\?attach=latest$/);
        await page.locator('#appointments:not([hidden])').waitFor();
        assert.equal(await page.locator('#attach-triage').isChecked(), true);
        assert.match(await page.locator('#attach-triage-hint').textContent(), /Self-care/);
        await page.waitForFunction(() => document.activeElement?.id === 'appointment-reason');
        assert.match(await page.locator('#status').textContent(), /saved check is attached/);
        await assert_no_axe_violations(page, `appointments from the check, ${color_scheme}`);
        await screenshot(page, `appointment-${color_scheme}`, {full_page: false});

        await page.locator('#appointment-reason').fill('Outer hip pain for three weeks.');
        const request = page.waitForRequest((r) => r.url().endsWith('/api/v1/appointments') && r.method() === 'POST');
        await page.locator('#request-submit').click();
        assert.equal((await request).postDataJSON().triage_id, saved[0].id);
        await page.locator('#request-list .request').first().waitFor();
        const list = await call_api(page, 'GET', '/api/v1/appointments');
        assert.equal(list.body.appointments.length, 1);
        assert.equal(list.body.appointments[0].triage_id, saved[0].id);
        saved = await saved_checks(page);
        assert.equal(saved.length, 1);
        assert.deepEqual(page.errors, []);
      } finally {
        await page.close_all();
      }
    });
  }

  it('starts a guided session from the saved check', async () => {
    const page = await open_page('account.html');
    try {
      await sign_up(page, 'pat@example.com');
      await do_check(page, kSelfCare);
      await page.locator('#save-button').click();
      await page.locator('#save-next-coach').click();
      await page.waitForURL(/coach\.html$/);
      await page.locator('#source:not([hidden])').waitFor();
      assert.equal(await page.locator('#source-triage').isChecked(), true);
      const [saved] = await saved_checks(page);
      const names = saved.result.groups.map((group) => group.name);
      assert.ok(names.length > 0);
      assert.match(await page.locator('#source-triage-detail').textContent(), new RegExp(names[0]));
      assert.deepEqual(page.errors, []);
    } finally {
      await page.close_all();
    }
  });

  it('offers no guided session after an urgent result, and says to call for care today', async () => {
    const page = await open_page('account.html', {axe: true});
    try {
      await sign_up(page, 'pat@example.com');
      await do_check(page, kUrgent);
      // A double click saves it once.
      await page.locator('#save-button').dblclick();
      await page.locator('#save-next-area:not([hidden])').waitFor();
      assert.equal(await page.locator('#save-next-coach').count(), 0);
      await page.locator('#save-check').scrollIntoViewIfNeeded();
      await screenshot(page, 'urgent', {full_page: false});
      assert.match(await page.locator('#save-next').textContent(), /not answered at once: for care today, call the clinic/);
      const saved = await saved_checks(page);
      assert.equal(saved.length, 1);
      assert.equal(saved[0].result.disposition, 'urgent');
      await assert_no_axe_violations(page, 'urgent result saved');
      assert.deepEqual(page.errors, []);
    } finally {
      await page.close_all();
    }
  });

  for (const color_scheme of ['light', 'dark']) {
    it(`tells the signed-out person that signing in saves the check, and keeps the result (${color_scheme})`,
       async () => {
         const page = await open_page('triage.html', {color_scheme, axe: true});
         try {
           await do_check(page, kSelfCare);
           assert.equal(await page.locator('#save-button').count(), 0);
           const hint = page.locator('#save-signed-out');
           assert.match(await hint.textContent(), /to save this check to your record and attach it to an appointment/);
           assert.equal(await hint.getByRole('link', {name: 'Sign in'}).getAttribute('href'),
                        'account.html?next=triage');
           await assert_no_axe_violations(page, `result signed out, ${color_scheme}`);
           assert.equal(await no_horizontal_scroll(page), true);
           await page.locator('#save-check').scrollIntoViewIfNeeded();
           await screenshot(page, `signed-out-${color_scheme}`, {full_page: false});

           await hint.getByRole('link', {name: 'Sign in'}).click();
           await page.waitForURL(/account\.html\?next=triage$/);
           // The account page says why, and returns to the check after signing up.
           await page.locator('#sign-up-email').fill('pat@example.com');
           await page.locator('#sign-up-password').fill(kPassword);
           await page.locator('#sign-up-submit').click();
           await page.waitForURL(/triage\.html$/);
           // The same result, from this tab's answers, now with the button.
           await page.locator('#save-button').waitFor();
           assert.equal(await page.locator('#result-title').textContent(), 'Self-care is a reasonable start');
           await page.locator('#save-button').click();
           await page.locator('#save-next-area:not([hidden])').waitFor();
           assert.equal((await saved_checks(page)).length, 1);
           assert.deepEqual(page.errors, []);
         } finally {
           await page.close_all();
         }
       });
  }

  it('says plainly next to the button when the session has ended, the server cannot be reached or refuses',
     async () => {
       const page = await open_page('account.html', {axe: true});
       try {
         await sign_up(page, 'pat@example.com');
         await do_check(page, kSelfCare);
         const button = page.locator('#save-button');
         const error = page.locator('#save-error');

         // The network fails.
         await page.route('**/api/v1/me/triage', (route) => route.abort('internetdisconnected'));
         await button.click();
         await error.waitFor();
         assert.match(await error.textContent(), /not saved.*could not be reached/);
         assert.equal(await error.getAttribute('role'), 'alert');
         assert.equal(await button.isDisabled(), false, 'the button cannot be tried again');
         assert.equal(await page.evaluate(() => document.activeElement?.id), 'save-button');
         await page.unroute('**/api/v1/me/triage');

         // A refusal with problem+json: its detail and where are shown.
         await page.route('**/api/v1/me/triage', (route) => route.fulfill({
           status: 400, contentType: 'application/problem+json',
           body: JSON.stringify({type: 'about:blank', title: 'Bad Request', status: 400,
                                 detail: 'must be a whole number from 16 to 120', where: '/age'}),
         }));
         await button.click();
         await page.waitForFunction(() => /whole number/.test(document.getElementById('save-error')?.textContent));
         assert.match(await error.textContent(), /400.*Must be a whole number from 16 to 120\. \(at \/age\)/);
         await page.unroute('**/api/v1/me/triage');
         await assert_no_axe_violations(page, 'save refused');

         // The session ends meanwhile (signed out in another tab).
         assert.equal((await call_api(page, 'DELETE', '/api/v1/sessions/current')).status, 204);
         await button.click();
         await page.waitForFunction(() => /no longer signed in/.test(document.getElementById('save-error')?.textContent));
         assert.equal(await error.getByRole('link', {name: 'Sign in again'}).getAttribute('href'),
                      'account.html?next=triage');
         await assert_no_axe_violations(page, 'session ended');
         await screenshot(page, 'expired', {full_page: false});
         assert.equal(await page.locator('#save-next-area').isVisible(), false);
       } finally {
         await page.close_all();
       }
     });
});

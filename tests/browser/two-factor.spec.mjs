// Browser tests of two-step sign-in on the account page (web/account.html, web/js/two-step.mjs)
// against a real HipCoach server with a fresh SQLite database for each test: a patient turns it
// on, signs out, signs in with a code and then with a recovery code (which then no longer
// works); a clinician must set it up before the portal works. Codes are computed as an
// authenticator app does (staff.mjs, node:crypto). axe-core checks every state.
//
// Run from the repository root: node --test --test-concurrency=1 tests/browser/two-factor.spec.mjs
// Screenshots go to build/screenshots/two-factor-*.png.

import assert from 'node:assert/strict';
import path from 'node:path';
import {describe, it} from 'node:test';

import {assert_no_axe_violations, kScreenshots, new_page, no_horizontal_scroll, server_per_test} from './server.mjs';
import {add_staff, next_code, set_up_two_step, sign_in_staff} from './staff.mjs';

const kPhone = {width: 360, height: 740};
const kPassword = 'correct horse battery';

const env = server_per_test();

async function open_account(options = {}) {
  const page = await new_page(env.browser, {...kPhone, axe: true, ...options});
  await page.goto(`${env.server.url}account.html`);
  await page.locator('main:not([data-stage="loading"])').waitFor();
  return page;
}

async function screenshot(page, name) {
  await page.screenshot({path: path.join(kScreenshots, `two-factor-${name}.png`), fullPage: true});
}

async function stage(page) {
  return page.locator('main').getAttribute('data-stage');
}

async function sign_in_with_password(page, email) {
  await page.locator('#sign-in-email').fill(email);
  await page.locator('#sign-in-password').fill(kPassword);
  await page.locator('#sign-in-submit').click();
}

async function sign_out(page) {
  await page.locator('#sign-out').click();
  await page.locator('main[data-stage="signed-out"]').waitFor();
}

describe('two-step sign-in', () => {
  for (const color_scheme of ['light', 'dark']) {
    it(`a patient turns it on, then signs in with a code and with a recovery code (${color_scheme}, 360 px, axe)`,
       async () => {
         const page = await open_account({color_scheme});
         try {
           const email = `pat-${color_scheme}@example.org`;
           await page.locator('#sign-up-email').fill(email);
           await page.locator('#sign-up-password').fill(kPassword);
           await page.locator('#sign-up-submit').click();
           await page.locator('main[data-stage="signed-in"]').waitFor();
           await page.locator('#two-step-off:not([hidden])').waitFor();
           assert.equal(await page.locator('#two-step-state').textContent(), 'Two-step sign-in is off.');
           assert.equal(await page.locator('#two-step-required').isVisible(), false);

           // A wrong password is said at its field.
           await page.locator('#two-step-password').fill('not my password');
           await page.locator('#two-step-start').click();
           await page.locator('#two-step-password-error:not([hidden])').waitFor();
           assert.match(await page.locator('#two-step-password-error').textContent(), /Is not your password\./);
           assert.equal(await page.locator('#two-step-password').getAttribute('aria-invalid'), 'true');

           // Set up: the QR code (an accessible SVG) and the key to type, then a code and the
           // recovery codes, shown once; Done only after "I have saved them".
           const codes = await set_up_two_step(page, email, kPassword, {before_confirm: async () => {
             await page.locator('#two-step-setup:not([hidden])').waitFor();
             const qr = page.locator('#two-step-qr svg');
             assert.equal(await qr.getAttribute('role'), 'img');
             assert.ok(await qr.getAttribute('aria-label'));
             assert.match(await page.locator('#two-step-secret').textContent(), /^([A-Z2-7]{4} ){7}[A-Z2-7]{4}$/);
             assert.equal(await page.locator('#two-step-code').getAttribute('inputmode'), 'numeric');
             assert.equal(await page.locator('#two-step-code').getAttribute('autocomplete'), 'one-time-code');
             await assert_no_axe_violations(page, `setting up, ${color_scheme}`);
             assert.equal(await no_horizontal_scroll(page), true);
             await screenshot(page, `setup-${color_scheme}`);
             // A code that is not 6 digits is refused before it is sent.
             await page.locator('#two-step-code').fill('12');
             await page.locator('#two-step-confirm').click();
             assert.match(await page.locator('#two-step-code-error').textContent(), /Enter the 6 digits/);
             await assert_no_axe_violations(page, `a short code, ${color_scheme}`);
           }, on_recovery_codes: async () => {
             assert.equal(await page.locator('#recovery-done').isDisabled(), true);
             assert.equal(await page.evaluate(() => document.activeElement?.id), 'recovery-title');
             assert.match(await page.locator('#recovery-download').getAttribute('href'), /^blob:/);
             await assert_no_axe_violations(page, `the recovery codes, ${color_scheme}`);
             assert.equal(await no_horizontal_scroll(page), true);
             await screenshot(page, `recovery-codes-${color_scheme}`);
           }});
           assert.equal(codes.length, 10);
           for (const code of codes) assert.match(code, /^[a-z2-7]{5}-[a-z2-7]{5}$/);
           assert.match(await page.locator('#two-step-state').textContent(),
                        /Two-step sign-in is on\. You have 10 unused recovery codes\./);
           assert.equal(await page.locator('#turn-off-form').isVisible(), true);
           await assert_no_axe_violations(page, `on, ${color_scheme}`);
           await screenshot(page, `on-${color_scheme}`);

           // Sign out; the password alone now asks for the code.
           await sign_out(page);
           await sign_in_with_password(page, email);
           await page.locator('main[data-stage="needs-code"]').waitFor();
           assert.equal(await page.locator('#sign-in-code').getAttribute('inputmode'), 'numeric');
           assert.equal(await page.locator('#sign-in-code').getAttribute('autocomplete'), 'one-time-code');
           assert.equal(await page.evaluate(() => document.activeElement?.id), 'code-title');
           await assert_no_axe_violations(page, `the code step, ${color_scheme}`);
           assert.equal(await no_horizontal_scroll(page), true);
           await screenshot(page, `code-step-${color_scheme}`);

           // A wrong code is said at the field; then the right one signs in.
           await page.locator('#sign-in-code').fill('000000');
           await page.locator('#code-submit').click();
           await page.locator('#sign-in-code-error:not([hidden])').waitFor();
           assert.match(await page.locator('#sign-in-code-error').textContent(),
                        /Is not the current code of your authenticator app or an unused recovery code\./);
           await assert_no_axe_violations(page, `a wrong code, ${color_scheme}`);
           await page.locator('#sign-in-code').fill(await next_code(page, email));
           await page.locator('#code-submit').click();
           await page.locator('main[data-stage="signed-in"]').waitFor();
           assert.match(await page.locator('#me-email').textContent(), new RegExp(email));

           // Then with a recovery code, which works once.
           await sign_out(page);
           await sign_in_with_password(page, email);
           await page.locator('main[data-stage="needs-code"]').waitFor();
           await page.locator('#sign-in-code').fill(codes[0].toUpperCase());
           await page.locator('#code-submit').click();
           await page.locator('main[data-stage="signed-in"]').waitFor();
           assert.match(await page.locator('#notice').textContent(), /You have 9 unused recovery codes left\./);
           await sign_out(page);
           await sign_in_with_password(page, email);
           await page.locator('main[data-stage="needs-code"]').waitFor();
           await page.locator('#sign-in-code').fill(codes[0]);
           await page.locator('#code-submit').click();
           await page.locator('#sign-in-code-error:not([hidden])').waitFor();
           assert.equal(await stage(page), 'needs-code');
           // Cancel signs out.
           await page.locator('#code-cancel').click();
           await page.locator('main[data-stage="signed-out"]').waitFor();

           // New recovery codes (confirmed with a recovery code), then turning it off.
           await sign_in_with_password(page, email);
           await page.locator('main[data-stage="needs-code"]').waitFor();
           await page.locator('#sign-in-code').fill(codes[1]);
           await page.locator('#code-submit').click();
           await page.locator('main[data-stage="signed-in"]').waitFor();
           await page.locator('#two-step-on:not([hidden])').waitFor();
           await page.locator('#regenerate-code').fill(codes[2]);
           await page.locator('#regenerate-submit').click();
           await page.locator('#recovery-codes:not([hidden])').waitFor();
           const fresh = await page.locator('#recovery-list li').allTextContents();
           assert.equal(fresh.length, 10);
           assert.ok(!fresh.includes(codes[3]));
           await page.locator('#recovery-saved').check();
           await page.locator('#recovery-done').click();
           await page.locator('#two-step-on:not([hidden])').waitFor();
           assert.match(await page.locator('#two-step-state').textContent(), /You have 10 unused recovery codes/);
           await page.locator('#turn-off-password').fill('not my password');
           await page.locator('#turn-off-code').fill(fresh[0]);
           await page.locator('#turn-off-submit').click();
           await page.locator('#turn-off-password-error:not([hidden])').waitFor();
           assert.match(await page.locator('#turn-off-password-error').textContent(), /Is not your password\./);
           await assert_no_axe_violations(page, `turning off, a wrong password, ${color_scheme}`);
           await page.locator('#turn-off-password').fill(kPassword);
           await page.locator('#turn-off-submit').click();
           await page.locator('#two-step-off:not([hidden])').waitFor();
           assert.equal(await page.locator('#two-step-state').textContent(), 'Two-step sign-in is off.');
           await sign_out(page);
           await sign_in_with_password(page, email);
           await page.locator('main[data-stage="signed-in"]').waitFor();
           assert.deepEqual(page.errors.filter((error) => !/status of 4\d\d/.test(error)), []);
         } finally {
           await page.close_all();
         }
       });

    it(`a clinician must set it up before the portal works (${color_scheme}, 360 px, axe)`, async () => {
      const email = `dr-${color_scheme}@clinic.example`;
      add_staff(env.server, email);
      const page = await open_account({color_scheme});
      try {
        await sign_in_with_password(page, email);
        await page.locator('main[data-stage="needs-setup"]').waitFor();
        await page.locator('#two-step-start-form').waitFor();
        assert.equal(await page.locator('#two-step-required').isVisible(), true);
        assert.match(await page.locator('#notice').textContent(), /Staff accounts need two-step sign-in/);
        // Only the setup and who is signed in show; no Portal link yet.
        assert.equal(await page.locator('#password-form').isVisible(), false);
        assert.equal(await page.locator('#reminders-form').isVisible(), false);
        assert.equal(await page.getByRole('link', {name: 'Portal'}).count(), 0);
        await assert_no_axe_violations(page, `staff must set it up, ${color_scheme}`);
        assert.equal(await no_horizontal_scroll(page), true);
        await screenshot(page, `staff-setup-${color_scheme}`);

        // The portal sends them back to the account page meanwhile.
        const portal = await page.context().newPage();
        const answer = await portal.request.get(`${env.server.url}api/v1/patients`);
        assert.equal(answer.status(), 403);
        assert.equal((await answer.json()).where, 'two_factor');
        await portal.close();

        await set_up_two_step(page, email);
        await page.locator('main[data-stage="signed-in"]').waitFor();
        assert.equal(await page.locator('#two-step-staff-note').isVisible(), true);
        assert.equal(await page.locator('#turn-off-form').isVisible(), false);
        await assert_no_axe_violations(page, `staff, on, ${color_scheme}`);
        await page.getByRole('link', {name: 'Portal'}).click();
        await page.waitForURL(/portal\.html$/);
        await page.locator('#patients-none, #patient-list').waitFor();

        // The next sign-in asks for the code.
        await page.goto(`${env.server.url}account.html`);
        await sign_out(page);
        await sign_in_staff(page, email);
        assert.equal(await stage(page), 'signed-in');
      } finally {
        await page.close_all();
      }
    });
  }
});

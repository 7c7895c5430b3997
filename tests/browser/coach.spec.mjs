// Browser tests of the guided session (web/coach.html) against a real HipCoach server on
// 127.0.0.1 with a fresh SQLite database for each test, driving Debian's chromium through
// playwright-core on a 360 px screen. Time is Playwright's fake clock: the page reads Date.now()
// and its timers from it, and the test moves it on with runFor, so nothing waits on real time.
//
// Run from the repository root: node --test --test-concurrency=1 tests/browser/*.spec.mjs
// (HIPCOACH_BIN names the server binary; the default is build/hipcoach.)
// Screenshots go to build/screenshots/coach-*.png; the first-load size is printed.

import assert from 'node:assert/strict';
import path from 'node:path';
import {describe, it} from 'node:test';

import {assert_no_axe_violations, call_api, kScreenshots, new_page, no_horizontal_scroll, server_per_test} from './server.mjs';

const kPhone = {width: 360, height: 740};
const kPassword = 'correct horse battery';
const kGroup = 'gluteus-medius-minimus';
const kFirstLoadLimitBytes = 100 * 1024;
// An hour ago, so that every time the page sends is in the server's past.
const kClockStart = Math.floor((Date.now() - 60 * 60 * 1000) / 1000) * 1000;

const env = server_per_test();
let serial = 0;

// A fresh context with an account made through the API (so that no page is in its cache yet)
// and Playwright's clock: 'paused' (moved on only by runFor), 'flowing' (real time, plus runFor;
// axe-core needs its timers) or 'none' (the real clock: the fake one replaces `performance`).
async function signed_in_page({clock = 'paused', ...options} = {}) {
  const page = await new_page(env.browser, {...kPhone, ...options});
  serial += 1;
  const answer = await page.context().request.post(`${env.server.url}api/v1/accounts`, {
    data: {email: `coached${serial}@example.com`, password: kPassword},
    headers: {Origin: env.server.url.replace(/\/$/, '')},
  });
  assert.equal(answer.status(), 201, await answer.text());
  if (clock !== 'none') await page.clock.install({time: kClockStart});
  if (clock === 'paused') await page.clock.pauseAt(kClockStart + 1000);
  return page;
}

async function open_coach(page) {
  await page.goto(`${env.server.url}coach.html`);
  await page.locator('#start:not([hidden])').waitFor();
}

async function screenshot(page, name, {full_page = false} = {}) {
  await page.screenshot({path: path.join(kScreenshots, `coach-${name}.png`), fullPage: full_page});
}

// Chooses the group, the left side, the pain and the limit, and goes on to the re-check.
async function choose(page, {pain = 6, limit = '5'} = {}) {
  await page.locator(`label[for="group-${kGroup}"]`).click();
  await page.locator('label[for="side-left"]').click();
  await page.locator(`label[for="pain-before-${pain}"]`).click();
  if (limit !== null) await page.locator('#pain-limit').selectOption(limit);
  await page.locator('#start-next').click();
  await page.locator('#prepare:not([hidden])').waitFor();
}

async function answer_recheck(page, yes = []) {
  const questions = page.locator('.recheck-question');
  const count = await questions.count();
  assert.ok(count >= 5, `${count} re-check questions`);
  for (let index = 0; index < count; ++index) {
    await page.locator(`label[for="recheck-${index}-${yes.includes(index) ? 'yes' : 'no'}"]`).click();
  }
}

async function start_session(page) {
  await answer_recheck(page);
  await page.locator('#begin').click();
  await page.locator('#session:not([hidden])').waitFor();
}

const text = async (page, selector) => (await page.locator(selector).textContent()).trim();

// Presses Next until the step title matches `title` (at most `limit` presses).
async function next_until(page, title, limit = 12) {
  for (let press = 0; press < limit; ++press) {
    if (title.test(await text(page, '#step-title'))) return;
    await page.locator('#next').click();
  }
  assert.match(await text(page, '#step-title'), title);
}

async function next_to_treat(page) {
  for (let press = 0; press < 12; ++press) {
    if (await page.locator('#timer').isVisible()) return;
    await page.locator('#next').click();
  }
  assert.fail('no treat step reached');
}

async function sessions_of(page) {
  const answer = await call_api(page, 'GET', '/api/v1/sessions-log');
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  return answer.body.sessions;
}

describe('guided session', () => {
  it('runs a whole session by the clock: cues, pause, back, a stop rule, a reload, then saves', async () => {
    const page = await signed_in_page();
    try {
      await open_coach(page);
      await choose(page);
      assert.match(await text(page, '#plan-summary'), /left side/);
      assert.ok(await page.locator('#prepare-body li').count() > 0, 'nothing to have ready or no cautions');
      await start_session(page);
      assert.match(await text(page, '#step-count'), /^Step 1 of \d+$/);

      // The first hold: the first cue at once, the next ones at their times.
      await next_to_treat(page);
      const treat_title = await text(page, '#step-title');
      assert.equal(await text(page, '#countdown'), '3:00');
      assert.match(await text(page, '#cue'), /Start with light pressure/);
      assert.match(await text(page, '#announcer'), /Start with light pressure/);
      await page.clock.runFor(29_000);
      assert.match(await text(page, '#cue'), /Start with light pressure/);
      await page.clock.runFor(1_500);
      assert.match(await text(page, '#cue'), /press a little deeper/);
      assert.match(await text(page, '#announcer'), /press a little deeper/);
      assert.equal(await text(page, '#countdown'), '2:30');

      // Paused across the next cue's time: nothing fires and the countdown stands still.
      await page.clock.runFor(10_000);
      await page.locator('#pause').click();
      assert.equal(await text(page, '#pause'), 'Resume');
      const paused_at = await text(page, '#countdown');
      await page.clock.runFor(60_000);
      assert.equal(await text(page, '#countdown'), paused_at);
      assert.doesNotMatch(await text(page, '#cue'), /deeper again/);
      await page.locator('#pause').click();
      assert.equal(await text(page, '#pause'), 'Pause');
      await page.clock.runFor(20_000);
      assert.match(await text(page, '#cue'), /deeper again/);

      // A reload in the middle of the hold comes back to the same step and time, still counting.
      await page.clock.runFor(5_000);
      const before_reload = await text(page, '#countdown');
      await page.reload();
      await page.locator('#session:not([hidden])').waitFor();
      assert.equal(await text(page, '#step-title'), treat_title);
      assert.equal(await text(page, '#countdown'), before_reload);
      assert.match(await text(page, '#hold-status'), /Held 1:0[5-6]/);
      await page.clock.runFor(25_000);
      assert.match(await text(page, '#cue'), /You may stop now/);
      await screenshot(page, 'hold-light');

      // Back to the step before, then Next: the hold starts again from the beginning.
      await page.locator('#back').click();
      assert.equal(await page.locator('#timer').isVisible(), false);
      await page.locator('#next').click();
      assert.equal(await text(page, '#step-title'), treat_title);
      assert.equal(await text(page, '#countdown'), '3:00');
      assert.match(await text(page, '#cue'), /Start with light pressure/);

      // A stop rule that ends the hold: the rule's text shows and the next step begins.
      await page.clock.runFor(12_000);
      await page.locator('#stop').click();
      assert.equal(await page.locator('#stop').getAttribute('aria-expanded'), 'true');
      await page.keyboard.press('Escape');
      assert.equal(await page.locator('#stop-panel').isHidden(), true);
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'stop');
      await page.locator('#stop').click();
      await screenshot(page, 'stop-panel-light');
      await page.getByRole('button', {name: /Stop: more pain than my limit/}).click();
      await page.locator('#rule-notice:not([hidden])').waitFor();
      assert.match(await text(page, '#rule-notice'), /this hold is over/);
      await screenshot(page, 'rule-notice-light');
      assert.notEqual(await text(page, '#step-title'), treat_title);
      assert.equal(await page.locator('#stop-panel').isHidden(), true);

      // The next hold runs to its maximum and stops there.
      await next_to_treat(page);
      await page.clock.runFor(200_000);
      assert.equal(await text(page, '#countdown'), '0:00');
      assert.match(await text(page, '#cue'), /Stop now/);
      assert.match(await text(page, '#hold-status'), /3:00 held/);

      await next_until(page, /After the session/);
      assert.equal(await text(page, '#next'), 'Finish');
      await page.locator('#next').click();
      await page.locator('#after:not([hidden])').waitFor();
      await page.locator('label[for="pain-after-3"]').click();
      const saved = page.waitForResponse((r) => r.url().endsWith('/api/v1/sessions-log') && r.request().method() === 'POST');
      await page.locator('#save').click();
      assert.equal((await saved).status(), 201);
      await page.locator('#summary:not([hidden])').waitFor();
      assert.match(await text(page, '#summary-body'), /This session: pain 6 before, 3 after \(3 points lower\)/);
      assert.match(await text(page, '#summary-body'), /first saved session/);
      assert.match(await text(page, '#summary-body'), /When to see a clinician/);

      const [stored] = await sessions_of(page);
      assert.equal(stored.pain_before, 6);
      assert.equal(stored.pain_after, 3);
      assert.equal(stored.record.outcome, 'finished');
      assert.deepEqual(stored.record.groups, [kGroup]);
      const points = stored.record.points;
      assert.ok(points.length >= 2, JSON.stringify(points));
      assert.equal(points[0].stop_rule, 'pain-above-limit');
      assert.equal(points[0].held_seconds, 12);
      assert.equal(points[1].held_seconds, 180);
      assert.equal(await page.evaluate(() => window.localStorage.getItem('hipcoach.coach.session')), null);
      assert.equal(await no_horizontal_scroll(page), true);
      assert.deepEqual(page.errors, []);
    } finally {
      await page.close_all();
    }
  });

  it('stops at a warning sign in the re-check, gives its advice with sources, and logs it', async () => {
    const page = await signed_in_page();
    try {
      await open_coach(page);
      await choose(page, {pain: 4, limit: null});
      await answer_recheck(page, [0]);
      await page.locator('#begin').click();
      await page.locator('#red-flag:not([hidden])').waitFor();
      const shown = await text(page, '#red-flag-body');
      assert.match(shown, /Do not treat yourself today/);
      assert.match(shown, /You answered yes/);
      assert.match(shown, /When to see a clinician/);
      assert.ok(await page.locator('#red-flag-body .reason-list li').count() > 0, 'no reasons');
      assert.ok(await page.locator('#red-flag-body .reason-list .cite').count() > 0, 'the reasons cite nothing');
      assert.ok(await page.locator('#red-flag-body .source-list li').count() > 0, 'no sources');
      // The clinic's phone and emergency number where the screen says to get care.
      const contact = page.locator('#red-flag-clinic');
      await contact.waitFor();
      assert.equal(await contact.getByRole('link', {name: 'Call 314-941-3970'}).getAttribute('href'),
                   'tel:3149413970');
      assert.match(await text(page, '#red-flag-body'), /In an emergency, call 911/);
      await page.locator('#red-flag-saved').filter({hasText: /saved/}).waitFor();
      const [stored] = await sessions_of(page);
      assert.equal(stored.record.outcome, 'stopped');
      assert.equal(stored.record.red_flags.length, 1);
      assert.deepEqual(stored.record.points, []);
      assert.equal(stored.pain_before, 4);
      await screenshot(page, 'red-flag-light', {full_page: true});
      assert.deepEqual(page.errors, []);
    } finally {
      await page.close_all();
    }
  });

  it('ends the session at a stop rule that ends it, and compares with the last session', async () => {
    const page = await signed_in_page();
    try {
      await open_coach(page);
      const earlier = await call_api(page, 'POST', '/api/v1/sessions-log', {
        started_at: new Date(kClockStart - 86_400_000).toISOString().replace(/\.\d+Z$/, 'Z'),
        ended_at: new Date(kClockStart - 86_000_000).toISOString().replace(/\.\d+Z$/, 'Z'),
        pain_before: 7, pain_after: 5,
        record: {outcome: 'finished', sides: ['left'], groups: [kGroup], points: [], stop_rule: '', red_flags: []},
      });
      assert.equal(earlier.status, 201, JSON.stringify(earlier.body));
      await choose(page, {pain: 5, limit: null});
      await start_session(page);
      await next_to_treat(page);
      await page.clock.runFor(20_000);
      await page.locator('#stop').click();
      await page.getByRole('button', {name: /Stop: numbness or tingling/}).click();
      await page.locator('#after:not([hidden])').waitFor();
      assert.equal(await text(page, '#after-title'), 'Session stopped');
      assert.match(await text(page, '#after-notice'), /sciatic nerve/);
      await page.locator('label[for="pain-after-5"]').click();
      await page.locator('#save').click();
      await page.locator('#summary:not([hidden])').waitFor();
      const summary = await text(page, '#summary-body');
      assert.match(summary, /pain 5 before, 5 after \(no change\)/);
      assert.match(summary, /stopped early/);
      assert.match(summary, /on average 2 points lower/);
      assert.equal(await page.locator('.history-table tbody tr').count(), 1);
      const stored = (await sessions_of(page)).find((s) => s.pain_before === 5);
      assert.equal(stored.record.stop_rule, 'tingling-or-numbness');
      assert.equal(stored.record.points[0].held_seconds, 20);
    } finally {
      await page.close_all();
    }
  });

  it('builds the session from the last saved check, and logs which check it was', async () => {
    const page = await signed_in_page();
    try {
      await open_coach(page);
      assert.equal(await page.locator('#source').isHidden(), true, 'offers a check that was never saved');
      const saved = await call_api(page, 'POST', '/api/v1/me/triage', {
        age: 54, side: 'right', locations: ['outer_hip'], pain_now: 4, worst_pain_week: 6, duration_weeks: 8,
        aggravators: ['lying_on_side'], red_flags: [], cautions: []});
      assert.equal(saved.status, 201, JSON.stringify(saved.body));
      await page.reload();
      await page.locator('#start:not([hidden])').waitFor();
      assert.equal(await page.locator('#source-triage').isChecked(), true);
      assert.equal(await page.locator('#own-choice').isHidden(), true);
      assert.match(await text(page, '#source-triage-detail'), new RegExp(saved.body.result.groups[0].name.replace(/[()]/g, '.')));
      await page.locator('label[for="pain-before-4"]').click();
      const plan = page.waitForResponse((r) => r.url().includes('/api/v1/session-plan?'));
      await page.locator('#start-next').click();
      assert.match((await plan).url(), new RegExp(`triage=${saved.body.id}`));
      await page.locator('#prepare:not([hidden])').waitFor();
      assert.match(await text(page, '#plan-summary'), /right side/);
      await start_session(page);
      await page.locator('#stop').click();
      await page.locator('#end-session').click();
      await page.locator('#after:not([hidden])').waitFor();
      assert.equal(await text(page, '#after-title'), 'Session ended early');
      await page.locator('label[for="pain-after-4"]').click();
      await page.locator('#save').click();
      await page.locator('#summary:not([hidden])').waitFor();
      const [stored] = await sessions_of(page);
      assert.equal(stored.record.triage_id, saved.body.id);
      assert.deepEqual(stored.record.sides, ['right']);

      // "My own choice" shows the groups and the side again.
      await page.locator('#again').click();
      await page.locator('label[for="source-own"]').click();
      assert.equal(await page.locator('#own-choice').isVisible(), true);

      // A newer check that advises against treating oneself is no longer offered, and says so.
      const urgent = await call_api(page, 'POST', '/api/v1/me/triage', {
        age: 54, side: 'right', locations: ['outer_hip'], pain_now: 4, worst_pain_week: 6, duration_weeks: 8,
        aggravators: ['lying_on_side'], red_flags: ['fever_or_unwell'], cautions: []});
      assert.equal(urgent.body.result.disposition, 'urgent', JSON.stringify(urgent.body.result));
      await page.reload();
      await page.locator('#start:not([hidden])').waitFor();
      assert.equal(await page.locator('#source').isHidden(), true);
      assert.match(await text(page, '#triage-note'), /did not suggest treating yourself/);
      assert.equal(await page.locator('#own-choice').isVisible(), true);
    } finally {
      await page.close_all();
    }
  });

  it('speaks and vibrates at a cue, keeps the screen awake, and stays quiet once muted', async () => {
    const page = await signed_in_page();
    try {
      // Stand-ins that record what the page asks of the speech, vibration and wake lock APIs.
      await page.addInitScript(() => {
        window.recorded = {spoken: [], vibrations: 0, wake_locks: 0};
        window.speechSynthesis.speak = (utterance) => window.recorded.spoken.push(utterance.text);
        navigator.vibrate = () => { window.recorded.vibrations += 1; return true; };
        Object.defineProperty(navigator, 'wakeLock', {value: {request: async () => {
          window.recorded.wake_locks += 1;
          return {released: false, release: async () => {}};
        }}});
      });
      await open_coach(page);
      await choose(page);
      await start_session(page);
      await next_to_treat(page);
      await page.clock.runFor(30_500);
      const recorded = await page.evaluate(() => window.recorded);
      assert.match(recorded.spoken.at(-1), /press a little deeper/);
      assert.ok(recorded.vibrations >= 2, `${recorded.vibrations} vibrations`);
      assert.ok(recorded.wake_locks >= 1, 'the screen was not kept awake');

      await page.locator('#mute').click();
      assert.equal(await page.locator('#mute').getAttribute('aria-pressed'), 'true');
      await page.reload();
      await page.locator('#session:not([hidden])').waitFor();
      assert.equal(await page.locator('#mute').getAttribute('aria-pressed'), 'true', 'mute was not remembered');
      await page.clock.runFor(30_000);
      assert.match(await text(page, '#cue'), /deeper again/);
      assert.deepEqual(await page.evaluate(() => window.recorded.spoken), []);
    } finally {
      await page.close_all();
    }
  });

  it('says on the start screen when a session is due today', async () => {
    const page = await signed_in_page();
    try {
      await open_coach(page);
      assert.equal(await page.locator('#reminder').isHidden(), true);
      const today = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'][
        await page.evaluate(() => new Date(Date.now()).getDay())];
      const set = await call_api(page, 'PUT', '/api/v1/me/reminders', {days: [today], time: '18:30'});
      assert.equal(set.status, 200, JSON.stringify(set.body));
      await page.reload();
      await page.locator('#reminder:not([hidden])').waitFor();
      assert.equal(await text(page, '#reminder'), 'A session is due today at 18:30.');
    } finally {
      await page.close_all();
    }
  });

  it('sends a signed-out visitor to sign in', async () => {
    const page = await new_page(env.browser, kPhone);
    try {
      await page.goto(`${env.server.url}coach.html`);
      await page.waitForURL(/account\.html\?next=coach/);
      await page.locator('#notice').filter({hasText: /guided session/}).waitFor();
    } finally {
      await page.close_all();
    }
  });

  it('keeps the controls within reach on a phone: at the bottom, at least 48 px high', async () => {
    const page = await signed_in_page();
    try {
      await open_coach(page);
      await choose(page);
      await start_session(page);
      await next_to_treat(page);
      for (const id of ['back', 'pause', 'next', 'stop']) {
        const box = await page.locator(`#${id}`).boundingBox();
        assert.ok(box.height >= 48 && box.width >= 64, `${id} is ${box.width}x${box.height}`);
        assert.ok(box.y + box.height <= kPhone.height && box.y >= kPhone.height - 100, `${id} is at ${box.y}`);
      }
      const countdown = await page.locator('#countdown').boundingBox();
      assert.ok(countdown.y + countdown.height <= kPhone.height - 80, 'the countdown is under the controls');
    } finally {
      await page.close_all();
    }
  });

  it('loads in under 100 KB transferred, with an empty cache', async () => {
    // Without the fake clock, which stands in for the whole performance object.
    const page = await signed_in_page({clock: 'none'});
    try {
      await open_coach(page);
      const sizes = await page.evaluate(() => [
        ...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')]
        .map((entry) => ({name: entry.name, bytes: entry.transferSize})));
      const total = sizes.reduce((sum, entry) => sum + entry.bytes, 0);
      console.log(`coach.html first load: ${total} bytes transferred in ${sizes.length} responses ` +
                  `(${(total / 1024).toFixed(1)} KB)`);
      assert.ok(sizes.every((entry) => entry.bytes > 0), `a response was not measured: ${JSON.stringify(sizes)}`);
      assert.ok(total < kFirstLoadLimitBytes, `${total} bytes: ${JSON.stringify(sizes)}`);
    } finally {
      await page.close_all();
    }
  });

  for (const color_scheme of ['light', 'dark']) {
    it(`passes axe, ${color_scheme}, on every screen at 360x740`, async () => {
      const page = await signed_in_page({color_scheme, axe: true, clock: 'flowing'});
      try {
        await open_coach(page);
        await assert_no_axe_violations(page, `start, ${color_scheme}`);
        await screenshot(page, `start-${color_scheme}`);
        await page.locator('#start-next').click();
        await page.locator('#groups-error').waitFor();
        await assert_no_axe_violations(page, `start with an error, ${color_scheme}`);
        await choose(page);
        await assert_no_axe_violations(page, `before the session, ${color_scheme}`);
        await screenshot(page, `prepare-${color_scheme}`, {full_page: true});
        await start_session(page);
        await assert_no_axe_violations(page, `first step, ${color_scheme}`);
        await screenshot(page, `position-${color_scheme}`);
        await next_to_treat(page);
        await page.clock.runFor(31_000);
        await assert_no_axe_violations(page, `a hold, ${color_scheme}`);
        await screenshot(page, `treat-${color_scheme}`);
        await page.locator('#pause').click();
        await page.locator('#stop').click();
        await assert_no_axe_violations(page, `the stop panel, ${color_scheme}`);
        await page.getByRole('button', {name: /Stop: feeling faint/}).click();
        await page.locator('#after:not([hidden])').waitFor();
        await assert_no_axe_violations(page, `after a stop, ${color_scheme}`);
        await screenshot(page, `after-${color_scheme}`, {full_page: true});
        await page.locator('label[for="pain-after-4"]').click();
        await page.locator('#save').click();
        await page.locator('#summary:not([hidden])').waitFor();
        await assert_no_axe_violations(page, `summary, ${color_scheme}`);
        await screenshot(page, `summary-${color_scheme}`, {full_page: true});
        await page.locator('#again').click();
        await page.locator('#start:not([hidden])').waitFor();
        await choose(page);
        await answer_recheck(page, [1, 2]);
        await page.locator('#begin').click();
        await page.locator('#red-flag:not([hidden])').waitFor();
        await page.locator('#red-flag-saved').filter({hasText: /saved/}).waitFor();
        await assert_no_axe_violations(page, `warning sign, ${color_scheme}`);
        await screenshot(page, `red-flag-${color_scheme}`);
        assert.equal(await no_horizontal_scroll(page), true);
        assert.deepEqual(page.errors, []);
      } finally {
        await page.close_all();
      }
    });
  }
});

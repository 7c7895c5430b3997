// Browser test of the staff portal's "Clinic outcomes" section (web/js/outcomes.mjs) against a real
// HipCoach server with a fresh SQLite database: patients seeded through the API with diary entries,
// LEFS responses and guided sessions at chosen past dates and with chosen consents, then a
// clinic's clinician (made and signed in only through staff.mjs) reads the counts, light and dark
// at 360 px, with axe-core.
//
// Run from the repository root: node --test --test-concurrency=1 tests/browser/outcomes.spec.mjs
// Screenshots go to build/screenshots/outcomes-*.png.

import assert from 'node:assert/strict';
import path from 'node:path';
import {describe, it} from 'node:test';

import {axe_violations, call_api, describe_violations, kScreenshots, new_page,
        server_per_test} from './server.mjs';
import {add_staff, sign_in_staff} from './staff.mjs';

const kPhone = {width: 360, height: 740};
const kPassword = 'correct horse battery';
const kDayMilliseconds = 24 * 60 * 60 * 1000;
const kClinician = 'dr.outcomes@clinic.example';

const env = server_per_test();

function days_ago(days) {
  return new Date(Date.now() - days * kDayMilliseconds).toISOString().replace(/\.\d+Z$/, 'Z');
}

async function ok(reply, what) {
  const answer = await reply;
  assert.ok(answer.status >= 200 && answer.status < 300, `${what}: ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body;
}

// LEFS answers (20 items, 0..4) that sum to `score`.
function lefs_answers(lefs, score) {
  let left = score;
  return lefs.items.map((item, index) => {
    const value = Math.ceil(left / (lefs.items.length - index));
    left -= value;
    return {item: item.id, value};
  });
}

// Signs `email` up on `page` (which shows a page of the server), adds the records and consents
// given, and signs out. Days count back from now.
async function seed_patient(page, email, {pain = [], lefs = [], sessions = [], parts = [], revoke = false}) {
  await ok(call_api(page, 'POST', '/api/v1/accounts', {email, password: kPassword}), `sign-up ${email}`);
  for (const [value, ago] of pain) {
    await ok(call_api(page, 'POST', '/api/v1/diary', {pain: value, context: 'rest', side: 'left', at: days_ago(ago)}),
             `diary ${email}`);
  }
  if (lefs.length) {
    const {questionnaires} = await ok(call_api(page, 'GET', '/api/v1/questionnaires'), 'questionnaires');
    const lefs_data = questionnaires.find((q) => q.id === 'lefs');
    for (const [score, ago] of lefs) {
      await ok(call_api(page, 'POST', '/api/v1/questionnaires/lefs/responses',
                        {answers: lefs_answers(lefs_data, score), at: days_ago(ago)}), `LEFS ${email}`);
    }
  }
  for (const ago of sessions) {
    const started = days_ago(ago);
    await ok(call_api(page, 'POST', '/api/v1/sessions-log', {
      started_at: started,
      ended_at: new Date(new Date(started).getTime() + 600_000).toISOString().replace(/\.\d+Z$/, 'Z'),
      pain_before: 6, pain_after: 5,
      record: {outcome: 'finished', sides: ['left'], groups: ['gluteus-medius-minimus'], points: [], stop_rule: '',
               red_flags: []},
    }), `session ${email}`);
  }
  if (parts.length) {
    const consent = await ok(call_api(page, 'POST', '/api/v1/consents',
                                      {parts, until: new Date(Date.now() + 30 * kDayMilliseconds).toISOString()}),
                             `consent ${email}`);
    if (revoke) await ok(call_api(page, 'DELETE', `/api/v1/consents/${consent.id}`), `revoke ${email}`);
  }
  await ok(call_api(page, 'DELETE', '/api/v1/sessions/current'), `sign-out ${email}`);
}

async function audit_of(page, email) {
  await ok(call_api(page, 'POST', '/api/v1/sessions', {email, password: kPassword}), `sign-in ${email}`);
  const {audit} = await ok(call_api(page, 'GET', '/api/v1/me/audit'), `audit ${email}`);
  await ok(call_api(page, 'DELETE', '/api/v1/sessions/current'), `sign-out ${email}`);
  // Only the dashboard's rows: the portal's other reads write theirs too.
  return audit.filter((row) => row.what === 'outcomes');
}

async function text(page, selector) {
  return (await page.locator(selector).textContent()).replace(/\s+/g, ' ').trim();
}

describe('clinic outcomes in the staff portal', () => {
  it('shows the shares, the too-early counts, the sessions and the thresholds with sources (360 px, light and ' +
     'dark, axe)', async () => {
    const seeder = await new_page(env.browser, kPhone);
    try {
      await seeder.goto(`${env.server.url}index.html`);
      // Pain 7 -> 5 by week 8 (2 points: meaningful), 3 sessions in the first 8 weeks.
      await seed_patient(seeder, 'a@example.com',
                         {pain: [[7, 70], [5, 14]], sessions: [70, 63, 56], parts: ['diary', 'sessions']});
      // Pain 6 -> 6: no change.
      await seed_patient(seeder, 'b@example.com', {pain: [[6, 70], [6, 10]], parts: ['diary']});
      // Pain 6 -> 3 and LEFS 40 -> 52 (beyond its MDC of 9), 5 sessions, one after week 8.
      await seed_patient(seeder, 'c@example.com', {
        pain: [[6, 70], [3, 12]], lefs: [[40, 70], [52, 12]], sessions: [69, 60, 50, 40, 20, 5],
        parts: ['diary', 'questionnaires', 'sessions']});
      // Pain 6 -> 5 (1 point: the MCID); LEFS kept private: function not counted.
      await seed_patient(seeder, 'd@example.com',
                         {pain: [[6, 70], [5, 14]], lefs: [[40, 70], [60, 14]], parts: ['diary']});
      // Started 20 days ago: too early.
      await seed_patient(seeder, 'e@example.com', {pain: [[7, 20], [3, 1]], parts: ['diary']});
      // No consent, a revoked one, and one that covers saved checks only: not counted.
      await seed_patient(seeder, 'f@example.com', {pain: [[8, 70], [2, 14]]});
      await seed_patient(seeder, 'g@example.com', {pain: [[8, 70], [2, 14]], parts: ['diary'], revoke: true});
      await seed_patient(seeder, 'h@example.com', {pain: [[8, 70], [2, 14]], parts: ['triage']});

      add_staff(env.server, kClinician);
      for (const color_scheme of ['light', 'dark']) {
        const page = await new_page(env.browser, {...kPhone, color_scheme, axe: true});
        try {
          await page.goto(`${env.server.url}account.html`);
          await sign_in_staff(page, kClinician);
          await page.goto(`${env.server.url}portal.html`);
          await page.locator('#outcomes-load').click();
          await page.locator('#outcomes-table').waitFor();

          assert.equal(await text(page, '#outcomes-counted'),
                       '5 patients counted: share their pain diary, questionnaires or guided sessions with the ' +
                       'clinic now. 1 patient shares only saved checks and is not counted.');
          assert.equal(await text(page, '#outcomes-headline [data-measure="pain_or_function"]'),
                       '3 of 4 patients (75%) reached a meaningful improvement in pain or function by week 8.');
          assert.equal(await text(page, '#outcomes-headline [data-measure="pain"]'),
                       '3 of 4 patients (75%) reached a meaningful improvement in pain by week 8. 1 patient is ' +
                       'too early: their week 8 is not over yet.');
          assert.equal(await text(page, '#outcomes-headline [data-measure="lefs"]'),
                       '1 of 1 patient (100%) reached a meaningful improvement in function (LEFS) by week 8.');
          assert.equal(await text(page, '#outcomes-headline [data-measure="psfs"]'),
                       'No patient has a week-8 score for function (PSFS) yet.');

          const rows = await page.locator('#outcomes-table tbody tr').evaluateAll((trs) => trs.map((tr) =>
            [...tr.children].map((cell) => cell.textContent.trim())));
          const row = (label) => rows.find((cells) => cells[0] === label)?.slice(1);
          assert.deepEqual(await page.locator('#outcomes-table thead th').allTextContents(), ['Pain', 'LEFS', 'PSFS']);
          assert.deepEqual(row('Patients sharing it'), ['5', '1', '1']);
          assert.deepEqual(row('Too early (week 8 not over)'), ['1', '0', '0']);
          assert.deepEqual(row('With a week-8 score'), ['4', '1', '0']);
          assert.deepEqual(row('Meaningfully better'), ['3 (75%)', '1 (100%)', '0']);
          assert.deepEqual(row('Median sessions, the better'),
                           ['4 (2 patients)', '5 (1 patient)', '–']);

          assert.equal(await text(page, '#outcomes-sessions'),
                       'Median guided sessions in the first 8 weeks: 4, over 2 patients.');
          const thresholds = await text(page, '#outcomes-thresholds');
          assert.match(thresholds, /Pain \(0 to 10, pain diary\), with the thresholds of the Numeric Pain Rating Scale \(NPRS\): a meaningful improvement is at least the minimal clinically important difference \(MCID\), 1 point or 15% of the first score/);
          assert.match(thresholds, /more than the minimal detectable change \(MDC\), 9 points/);
          const sources = await text(page, '#outcomes .source-list');
          assert.match(sources, /Salaffi/);
          assert.match(sources, /Binkley/);
          // No patient is named.
          const section = await text(page, '#outcomes');
          assert.doesNotMatch(section, /example\.com/);

          const violations = await axe_violations(page);
          assert.equal(violations.length, 0, `outcomes, ${color_scheme}:\n${describe_violations(violations)}`);
          assert.ok(await page.evaluate(() =>
            document.documentElement.scrollWidth <= document.documentElement.clientWidth), 'no sideways scroll');
          await page.locator('#outcomes').screenshot({path: path.join(kScreenshots, `outcomes-${color_scheme}.png`)});
          assert.deepEqual(page.errors, []);
        } finally {
          await page.close_all();
        }
      }

      // Each counted patient sees both looks at the dashboard in their audit; the others see none.
      const rows = await audit_of(seeder, 'a@example.com');
      assert.deepEqual(rows.map((r) => [r.actor.email, r.what, r.why]),
                       [[kClinician, 'outcomes', 'clinic outcomes dashboard'],
                        [kClinician, 'outcomes', 'clinic outcomes dashboard']]);
      for (const email of ['f@example.com', 'g@example.com', 'h@example.com']) {
        assert.deepEqual(await audit_of(seeder, email), [], email);
      }
    } finally {
      await seeder.close_all();
    }
  });
});

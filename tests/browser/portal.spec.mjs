// Browser tests of consent-based sharing (web/sharing.html) and the staff portal (web/portal.html)
// against a real HipCoach server with a fresh SQLite database for each test: a patient and a
// clinician in two browser contexts. The clinician account is made with the CLI,
// `hipcoach user add EMAIL --role clinician --db sqlite:PATH`, on the server's own database.
//
// Run from the repository root: node --test --test-concurrency=1 tests/browser/portal.spec.mjs
// Screenshots go to build/screenshots/portal-*.png.

import assert from 'node:assert/strict';
import path from 'node:path';
import {describe, it} from 'node:test';

import {assert_no_axe_violations, call_api, kScreenshots, new_page, no_horizontal_scroll, server_per_test,
        sign_up_on_page} from './server.mjs';
import {add_staff as add_staff_account, sign_in_staff} from './staff.mjs';

const kPhone = {width: 360, height: 740};
const kPassword = 'correct horse battery';
const kDayMilliseconds = 24 * 60 * 60 * 1000;

const env = server_per_test();

const add_staff = (email, role) => add_staff_account(env.server, email, role);

async function open_page(file, options = {}) {
  const page = await new_page(env.browser, {...kPhone, ...options});
  await page.goto(`${env.server.url}${file}`);
  return page;
}

const sign_up = (page, email) => sign_up_on_page(page, email, kPassword);

async function screenshot(page, name) {
  await page.screenshot({path: path.join(kScreenshots, `portal-${name}.png`), fullPage: true});
}

async function nav_names(page) {
  const names = await page.getByRole('navigation', {name: 'Site'}).getByRole('link').allTextContents();
  return names.map((name) => name.trim());
}

// Opens the portal (a reload when already there) and waits until it shows the list of patients.
async function open_portal(page) {
  if (page.url().endsWith('portal.html')) await page.reload();
  else await page.goto(`${env.server.url}portal.html`);
  await page.locator('#patients-none, #patient-list').waitFor();
}

async function open_sharing(page) {
  if (page.url().endsWith('sharing.html')) await page.reload();
  else await page.goto(`${env.server.url}sharing.html`);
  await page.locator('#sharing:not([hidden])').waitFor();
}

describe('sharing with the clinic and the staff portal', () => {
  for (const color_scheme of ['light', 'dark']) {
    it(`shares the diary only, shows the read to the patient, and stops at once (${color_scheme}, 360 px, axe)`,
       async () => {
         const clinician_email = 'dr.lee@clinic.example';
         const patient_email = 'pat@example.com';
         add_staff(clinician_email);
         const clinician = await open_page('account.html', {color_scheme, axe: true});
         const patient = await open_page('account.html', {color_scheme, axe: true});
         try {
           // The clinician sees the Portal link and no patient.
           await sign_in_staff(clinician, clinician_email);
           assert.deepEqual(await nav_names(clinician),
                            ['Guide', 'Check', 'Coach', 'Diary', 'Progress', 'Account', 'Portal']);
           await clinician.getByRole('link', {name: 'Portal'}).click();
           await clinician.waitForURL(/portal\.html$/);
           await clinician.locator('#patients-none').waitFor();
           assert.match(await clinician.locator('#patients-none').textContent(), /No patient shares/);
           // The appointment request queue (appointments.spec.mjs tests it with requests) is empty.
           await clinician.locator('#queue-none').waitFor();
           assert.match(await clinician.locator('#queue-none').textContent(), /No open requests/);
           await assert_no_axe_violations(clinician, `portal, nobody shares, ${color_scheme}`);
           await screenshot(clinician, `empty-${color_scheme}`);

           // The patient has diary entries and a questionnaire score, and shares the diary only.
           await sign_up(patient, patient_email);
           assert.deepEqual(await nav_names(patient), ['Guide', 'Check', 'Coach', 'Diary', 'Progress', 'Account']);
           for (const [days_ago, pain] of [[9, 7], [5, 6], [1, 4]]) {
             const at = new Date(Date.now() - days_ago * kDayMilliseconds).toISOString();
             const added = await call_api(patient, 'POST', '/api/v1/diary',
                                          {pain, context: 'rest', side: 'left', at, note: 'after the walk'});
             assert.equal(added.status, 201);
           }
           await patient.getByRole('link', {name: 'Sharing with the clinic'}).click();
           await patient.waitForURL(/sharing\.html$/);
           await patient.locator('#sharing:not([hidden])').waitFor();
           assert.match(await patient.locator('#consent-list').textContent(), /do not share anything/);
           assert.match(await patient.locator('#audit-none').textContent(), /Nobody/);
           await assert_no_axe_violations(patient, `sharing, nothing shared, ${color_scheme}`);

           // Nothing chosen: an error at the fieldset, nothing sent.
           await patient.locator('#grant-submit').click();
           await patient.locator('#share-parts-error:not([hidden])').waitFor();
           assert.equal(await patient.locator('#share-parts').getAttribute('aria-invalid'), 'true');
           await assert_no_axe_violations(patient, `sharing, nothing chosen, ${color_scheme}`);
           assert.equal(await patient.locator('#consent-list .consent').count(), 0);

           const until = await patient.locator('#share-until').inputValue();
           const expected = new Date(Date.now() + 90 * kDayMilliseconds);
           assert.ok(Math.abs(new Date(`${until}T12:00:00`).getTime() - expected.getTime()) < 2 * kDayMilliseconds,
                     `the default end ${until} is not about 90 days away`);
           await patient.locator('label[for="share-diary"]').click();
           await patient.locator('#grant-submit').click();
           await patient.locator('#grant-done').filter({hasText: /Pain diary/}).waitFor();
           assert.equal(await patient.locator('#share-parts-error').isVisible(), false);
           const consent = patient.locator('#consent-list .consent');
           assert.equal(await consent.count(), 1);
           assert.match(await consent.textContent(), /Pain diary\s*Active/);
           const consents = await call_api(patient, 'GET', '/api/v1/consents');
           assert.deepEqual(consents.body.consents.map((c) => c.parts), [['diary']]);

           // The clinician sees the patient, the diary and "not shared" for the rest.
           await open_portal(clinician);
           const listed = clinician.locator('#patient-list .patient');
           assert.equal(await listed.count(), 1);
           assert.match(await listed.textContent(), /pat@example\.com/);
           assert.match(await listed.textContent(), /Shares: Pain diary\./);
           await clinician.locator('#reason').fill('follow-up call');
           await listed.getByRole('button', {name: 'Open summary'}).click();
           await clinician.locator('#part-diary svg.chart').waitFor();
           assert.match(await clinician.locator('#summary-title').textContent(), /pat@example\.com/);
           assert.match(await clinician.locator('#part-diary').textContent(), /3 entries/);
           assert.match(await clinician.locator('#part-questionnaires').textContent(), /Not shared/);
           assert.match(await clinician.locator('#part-triage').textContent(), /Not shared/);
           assert.match(await clinician.locator('#part-sessions').textContent(), /Not shared/);
           await clinician.locator('#part-diary summary').click();
           assert.equal(await clinician.locator('#part-diary tbody tr').count(), 3);
           await assert_no_axe_violations(clinician, `portal, a patient's summary, ${color_scheme}`);
           assert.equal(await no_horizontal_scroll(clinician), true);
           await screenshot(clinician, `summary-${color_scheme}`);

           // The patient sees who looked, when and why.
           await open_sharing(patient);
           // Newest first: the diary read; before it, what opening the portal read (the list of
           // the patients who share, the clinic's outcomes).
           const rows = patient.locator('#audit-table tbody tr');
           assert.ok(await rows.count() >= 2);
           assert.match(await patient.locator('#audit-table tbody').textContent(),
                        /Your name in the list of patients who share/);
           const row = rows.first();
           const cells = (await row.locator('td').allTextContents()).map((text) => text.trim());
           assert.match(cells[0], /dr\.lee@clinic\.example/);
           assert.match(cells[0], /clinician/);
           assert.match(cells[1], /Pain diary/);
           assert.match(cells[2], /\d/);
           assert.equal(cells[3], 'follow-up call');
           await assert_no_axe_violations(patient, `sharing, shared and read, ${color_scheme}`);
           assert.equal(await no_horizontal_scroll(patient), true);
           await screenshot(patient, `sharing-${color_scheme}`);

           // The patient stops sharing; the clinician's next load shows nobody.
           await patient.getByRole('button', {name: 'Stop sharing'}).click();
           await patient.locator('#revoke-done').filter({hasText: /stopped sharing/}).waitFor();
           assert.match(await patient.locator('#consent-list .consent').textContent(), /Stopped/);
           assert.equal(await patient.getByRole('button', {name: 'Stop sharing'}).count(), 0);
           await assert_no_axe_violations(patient, `sharing, stopped, ${color_scheme}`);
           await screenshot(patient, `stopped-${color_scheme}`);

           await open_portal(clinician);
           await clinician.locator('#patients-none').waitFor();
           assert.equal(await clinician.locator('#summary').isVisible(), false);
           assert.deepEqual(clinician.errors, []);
           assert.deepEqual(patient.errors, []);
         } finally {
           await clinician.close_all();
           await patient.close_all();
         }
       });

    it(`tells a patient politely that the portal is for staff (${color_scheme}, 360 px, axe)`, async () => {
      const page = await open_page('account.html', {color_scheme, axe: true});
      try {
        await sign_up(page, 'someone@example.com');
        await page.goto(`${env.server.url}portal.html`);
        await page.locator('#not-staff:not([hidden])').waitFor();
        assert.match(await page.locator('#not-staff').textContent(), /for clinic staff/);
        assert.equal(await page.locator('#portal').isVisible(), false);
        assert.deepEqual(await nav_names(page), ['Guide', 'Check', 'Coach', 'Diary', 'Progress', 'Account']);
        assert.equal((await call_api(page, 'GET', '/api/v1/patients')).status, 403);
        await assert_no_axe_violations(page, `portal as a patient, ${color_scheme}`);
        await screenshot(page, `not-staff-${color_scheme}`);
        assert.deepEqual(page.errors, []);
      } finally {
        await page.close_all();
      }
    });
  }

  for (const color_scheme of ['light', 'dark']) {
    it(`shows every shared part: diary, questionnaire scores, triage and stopped sessions (${color_scheme}, axe)`,
       async () => {
         add_staff('admin@clinic.example', 'admin');
         const patient = await open_page('account.html');
         const admin = await open_page('account.html', {color_scheme, axe: true});
         try {
           await sign_up(patient, 'all@example.com');
           const questionnaires = (await call_api(patient, 'GET', '/api/v1/questionnaires')).body.questionnaires;
           const lefs = questionnaires.find((q) => q.id === 'lefs') ?? questionnaires.find((q) => !q.patient_items);
           const answered = await call_api(patient, 'POST', `/api/v1/questionnaires/${lefs.id}/responses`, {
             answers: lefs.items.map((item) => ({item: item.id, value: lefs.scale.min + 1}))});
           assert.equal(answered.status, 201, JSON.stringify(answered.body));
           const triage = await call_api(patient, 'POST', '/api/v1/me/triage', {
             age: 54, side: 'right', locations: ['outer_hip'], pain_now: 4, worst_pain_week: 6, duration_weeks: 8,
             aggravators: ['lying_on_side'], red_flags: ['fever_or_unwell'], cautions: []});
           assert.equal(triage.body.result.disposition, 'urgent', JSON.stringify(triage.body));
           const started = Date.now() - 2 * kDayMilliseconds;
           const session = await call_api(patient, 'POST', '/api/v1/sessions-log', {
             started_at: new Date(started).toISOString().replace(/\.\d+Z$/, 'Z'),
             ended_at: new Date(started + 600_000).toISOString().replace(/\.\d+Z$/, 'Z'),
             pain_before: 6, pain_after: 5,
             record: {outcome: 'stopped', sides: ['left'], groups: ['gluteus-medius-minimus'],
                      points: [{side: 'left', group: 'gluteus-medius-minimus', area: 'anterior-fibres', held_seconds: 60,
                                stop_rule: ''}],
                      stop_rule: 'tingling-or-numbness', red_flags: []}});
           assert.equal(session.status, 201, JSON.stringify(session.body));
           const granted = await call_api(patient, 'POST', '/api/v1/consents', {
             parts: ['diary', 'questionnaires', 'triage', 'sessions'],
             until: new Date(Date.now() + 30 * kDayMilliseconds).toISOString(),
           });
           assert.equal(granted.status, 201);

           await sign_in_staff(admin, 'admin@clinic.example');
           await open_portal(admin);
           await admin.getByRole('button', {name: 'Open summary'}).click();
           await admin.locator('#part-sessions table').waitFor();
           await admin.locator('#part-questionnaires table').waitFor();
           const text = await admin.locator('#part-questionnaires').textContent();
           assert.ok(text.includes(lefs.name), `${lefs.name} is not named`);
           assert.match(text, /\d+ of \d+/);
           assert.equal(await admin.locator('#part-questionnaires svg.chart').count(), 1);
           assert.match(await admin.locator('#part-diary').textContent(), /No diary entries yet/);
           assert.match(await admin.locator('#part-triage').textContent(), /Urgent/);
           const sessions = await admin.locator('#part-sessions').textContent();
           assert.match(sessions, /1 session, 1 stopped early/);
           assert.match(sessions, /tingling or numbness/);
           assert.equal(await admin.locator('.not-shared').count(), 0);
           await assert_no_axe_violations(admin, `portal, every part shared, ${color_scheme}`);
           assert.equal(await no_horizontal_scroll(admin), true);
           await screenshot(admin, `all-parts-${color_scheme}`);
           const audit = await call_api(patient, 'GET', '/api/v1/me/audit');
           // The reads of the parts, besides those of opening the portal (the list of the
           // patients who share, the clinic's outcomes).
           const part_reads = audit.body.audit.filter((row) => !['patient_list', 'outcomes'].includes(row.what));
           assert.deepEqual(part_reads.map((row) => row.what).sort(), ['diary', 'questionnaires', 'sessions', 'triage']);
           assert.ok(audit.body.audit.some((row) => row.what === 'patient_list'));
           assert.ok(part_reads.every((row) => row.why === 'clinical care'));
           assert.deepEqual(admin.errors, []);
         } finally {
           await patient.close_all();
           await admin.close_all();
         }
       });
  }
});

describe('site header on the new pages', () => {
  for (const file of ['sharing.html', 'portal.html']) {
    it(`links every page from ${file}, signed out, at 360 px, without sideways scrolling`, async () => {
      const page = await open_page(file);
      try {
        await page.locator('#signed-out:not([hidden])').waitFor();
        assert.deepEqual(await nav_names(page), ['Guide', 'Check', 'Coach', 'Diary', 'Progress', 'Account']);
        assert.equal(await no_horizontal_scroll(page), true);
        for (const link of await page.getByRole('navigation', {name: 'Site'}).getByRole('link').all()) {
          const box = await link.boundingBox();
          assert.ok(box.height >= 44, `${await link.textContent()} is ${box.height} px high`);
        }
        assert.deepEqual(page.errors, []);
      } finally {
        await page.close_all();
      }
    });
  }

  it('serves the new pages and their files with the types a browser needs', async () => {
    for (const [file, type] of [['sharing.html', /text\/html/], ['portal.html', /text\/html/],
                                ['css/portal.css', /text\/css/], ['js/sharing.mjs', /javascript/],
                                ['js/portal.mjs', /javascript/], ['js/portal-render.mjs', /javascript/],
                                ['js/consent-api.mjs', /javascript/], ['js/staff-nav.mjs', /javascript/]]) {
      const response = await fetch(`${env.server.url}${file}`);
      assert.equal(response.status, 200, file);
      assert.match(response.headers.get('content-type') ?? '', type, file);
    }
  });
});

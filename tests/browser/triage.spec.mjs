// Browser tests of the triage page (web/triage.html) against a real HipCoach server on
// 127.0.0.1, driving Debian's chromium through playwright-core and auditing with axe-core.
//
// Run from the repository root: node --test --test-concurrency=1 tests/browser/*.spec.mjs
// (HIPCOACH_BIN names the server binary; the default is build/hipcoach.)
// Screenshots go to build/screenshots/triage-*.png.

import assert from 'node:assert/strict';
import {mkdirSync} from 'node:fs';
import path from 'node:path';
import {after, before, describe, it} from 'node:test';

import {assert_no_axe_violations, kScreenshots, launch_browser, new_page, no_horizontal_scroll, start_server} from './server.mjs';

const kPhone = {name: 'phone', width: 360, height: 800};
const kDesktop = {name: 'desktop', width: 1280, height: 800};

// Answers as the API takes them; each scenario changes a few.
const kSelfCare = {
  age: 54, side: 'left', locations: ['outer_hip'], pain_now: 4, worst_pain_week: 6, duration_weeks: 3,
  aggravators: ['lying_on_side'], red_flags: [], cautions: [],
};

const kScenarios = [
  {name: 'self-care', answers: kSelfCare, disposition: 'self_care', title: 'Self-care is a reasonable start'},
  {name: 'soon', answers: {...kSelfCare, red_flags: ['history_of_cancer']}, disposition: 'soon',
   title: 'Book an appointment with a clinician within days'},
  {name: 'urgent', answers: {...kSelfCare, red_flags: ['fall_or_injury', 'cannot_bear_weight']},
   disposition: 'urgent', title: 'Get medical care today'},
  {name: 'under-16', answers: {...kSelfCare, age: 12}, disposition: 'urgent', title: 'Get medical care today'},
];

let server;
let browser;
let questions;

before(async () => {
  mkdirSync(kScreenshots, {recursive: true});
  server = await start_server();
  const response = await fetch(`${server.url}api/v1/triage/questions`);
  assert.equal(response.status, 200, 'GET api/v1/triage/questions');
  ({questions} = await response.json());
  browser = await launch_browser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

// Opens the triage page in a fresh context (fresh sessionStorage), waiting for the first
// question. Uncaught page errors and CSP violations are collected in page.errors.
async function open_page({width, height, color_scheme = 'light', axe = false, wait = true}) {
  const page = await new_page(browser, {width, height, color_scheme, axe});
  if (wait) {
    await page.goto(`${server.url}triage.html`);
    await page.locator('#question-title').waitFor();
  }
  return page;
}

async function screenshot(page, name, {full_page = false} = {}) {
  await page.screenshot({path: path.join(kScreenshots, `triage-${name}.png`), fullPage: full_page});
}

async function progress_text(page) {
  return (await page.locator('.progress-label').textContent()).trim();
}

// Waits until question `index` (0-based) is shown and its heading has the focus.
async function expect_question(page, index, {focused = true} = {}) {
  await page.waitForFunction((text) => document.querySelector('.progress-label')?.textContent === text,
                             `Question ${index + 1} of ${questions.length}`);
  assert.equal((await page.locator('#question-title').textContent()).trim(), questions[index].prompt);
  if (focused) {
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'question-title',
                 `focus is not on the heading of question ${index + 1}`);
  }
}

// Gives the answer `value` (in API form) to the question on screen.
async function fill(page, question, value) {
  if (question.type === 'integer') {
    await page.locator('#answer-input').fill(String(value));
  } else if (question.type === 'choice') {
    await page.locator(`#option-${value}`).check();
  } else if (value.length === 0) {
    await page.locator('#option-none').check();
  } else {
    for (const item of value) await page.locator(`#option-${item}`).check();
  }
}

// Answers questions `from`..`to - 1` and presses Next after each.
async function answer_questions(page, answers, {from = 0, to = questions.length} = {}) {
  for (let index = from; index < to; ++index) {
    await expect_question(page, index, {focused: index > 0});
    await fill(page, questions[index], answers[questions[index].id]);
    await page.locator('#next').click();
  }
}

// Answers every question and waits for the result; returns the POSTed body.
async function walk_to_result(page, answers) {
  const request = page.waitForRequest((r) => r.url().endsWith('/api/v1/triage') && r.method() === 'POST');
  await answer_questions(page, answers);
  const sent = (await request).postDataJSON();
  await page.locator('#result-title').waitFor();
  return sent;
}

describe('triage page at 360x800', () => {
  for (const scenario of kScenarios) {
    for (const color_scheme of ['light', 'dark']) {
      it(`walks to "${scenario.disposition}" (${scenario.name}, ${color_scheme}) and passes axe`, async () => {
        const page = await open_page({...kPhone, color_scheme, axe: true});
        try {
          const sent = await walk_to_result(page, scenario.answers);
          assert.deepEqual(sent, scenario.answers, 'the page sent other answers than were given');

          const banner = page.locator(`.disposition-${scenario.disposition.replace('_', '-')}`);
          assert.ok(await banner.isVisible(), 'no disposition banner');
          assert.equal(await page.getByRole('heading', {name: scenario.title, exact: true}).getAttribute('id'),
                       'result-title');
          assert.equal(await page.evaluate(() => document.activeElement?.id), 'result-title');
          // The level of care comes first, before anything else in the result.
          assert.equal(await page.locator('.result > *').first().evaluate((e) => e.classList.contains('disposition')),
                       true);
          const banner_box = await banner.boundingBox();
          assert.ok(banner_box.y >= 0 && banner_box.y < 800, 'the banner is not on screen');

          const urgent = scenario.disposition === 'urgent';
          const alert = page.getByRole('alert').filter({hasText: scenario.title});
          assert.equal(await alert.count(), urgent ? 1 : 0, 'role="alert" is wrong for the level of care');
          // Who to call: the clinic's settings (data/clinic.toml) on every result.
          const contact = page.locator('#result-clinic');
          await contact.waitFor();
          assert.match(await contact.textContent(), /More 4 Life Physical Therapy/);
          assert.match(await contact.textContent(), /call to ask/);
          assert.equal(await contact.getByRole('link', {name: 'Call 314-941-3970'}).getAttribute('href'),
                       'tel:3149413970');
          assert.match(await contact.textContent(), /In an emergency, call 911/);
          if (urgent) {
            assert.match(await alert.textContent(), /911/);
            assert.equal(await page.locator('.result-groups').count(), 0, 'an urgent result suggests groups');
          }
          assert.match(await page.locator('.result-notice').textContent(), /not a diagnosis/);
          assert.ok(await page.locator('.result-why a.cite').count() > 0, 'the reasons cite no source');
          const first_cite = await page.locator('.result-why a.cite').first().getAttribute('href');
          assert.equal(await page.locator(first_cite).count(), 1, `footnote ${first_cite} has no source`);
          assert.ok(await page.getByRole('button', {name: 'Print'}).isVisible());
          assert.ok(await no_horizontal_scroll(page), 'the result scrolls sideways');

          if (scenario.disposition === 'self_care') {
            assert.equal(await page.locator('.not-applies').count(), 0);
            const first_group = page.locator('.suggestion-link').first();
            assert.match(await first_group.textContent(), /Gluteus medius and minimus/);
            assert.equal(await first_group.getAttribute('href'), 'index.html#gluteus-medius-minimus');
          } else {
            assert.match(await page.locator('.result-why').textContent(),
                         /self-treatment guide does not fit you/);
            assert.equal(await page.locator('.result-groups').count(), 0);
          }
          if (scenario.name === 'under-16') {
            assert.match(await page.locator('.result-why').textContent(), /under 16/);
          }

          await assert_no_axe_violations(page, `${scenario.name} result, ${color_scheme}`);
          await screenshot(page, `${scenario.name}-phone-${color_scheme}`);
          if (color_scheme === 'light') await screenshot(page, `${scenario.name}-phone-full`, {full_page: true});
          assert.deepEqual(page.errors, []);
        } finally {
          await page.close_all();
        }
      });
    }
  }

  it('opens the suggested muscle group on the protocol page', async () => {
    const page = await open_page(kPhone);
    try {
      await walk_to_result(page, kSelfCare);
      await page.locator('.suggestion-link').first().click();
      await page.locator('section#gluteus-medius-minimus h2').waitFor();
      assert.match(page.url(), /\/index\.html#gluteus-medius-minimus$/);
      assert.ok(await page.locator('section#gluteus-medius-minimus').isVisible());
      // Coming back shows the result again, from the answers kept in the tab.
      await page.goBack();
      await page.locator('#result-title').waitFor();
      assert.match(await page.locator('#result-title').textContent(), /Self-care is a reasonable start/);
      assert.deepEqual(page.errors, []);
    } finally {
      await page.close_all();
    }
  });

  for (const color_scheme of ['light', 'dark']) {
    it(`has no axe violations on question screens in ${color_scheme} mode, also with an error`, async () => {
      const page = await open_page({...kPhone, color_scheme, axe: true});
      try {
        await assert_no_axe_violations(page, `question 1, ${color_scheme}`);
        await screenshot(page, `question-phone-${color_scheme}`);
        const locations = questions.findIndex((q) => q.id === 'locations');
        await answer_questions(page, kSelfCare, {to: locations});
        await fill(page, questions[locations], ['outer_hip', 'buttock']);
        await assert_no_axe_violations(page, `locations question, ${color_scheme}`);
        await screenshot(page, `locations-phone-${color_scheme}`);
        await page.locator('#next').click();
        await page.locator('#next').click();
        await page.locator('#answer-error').waitFor();
        await assert_no_axe_violations(page, `question with an error, ${color_scheme}`);
        await screenshot(page, `error-phone-${color_scheme}`);
        if (color_scheme === 'dark') {
          const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
          assert.equal(background, 'rgb(18, 20, 23)', 'the dark colour scheme is not applied');
        }
        assert.deepEqual(page.errors, []);
      } finally {
        await page.close_all();
      }
    });
  }

  it('shows an inline error for a bad number and does not move on', async () => {
    const page = await open_page(kPhone);
    try {
      const age = questions[0];
      assert.equal(age.type, 'integer');
      for (const bad of ['', 'abc', '5.5', String(age.max + 10), '-3']) {
        await page.locator('#answer-input').fill(bad);
        await page.locator('#next').click();
        const error = page.locator('#answer-error');
        await error.waitFor();
        assert.match(await error.textContent(), new RegExp(`whole number from ${age.min} to ${age.max}`), bad);
        assert.equal(await page.locator('#answer-input').getAttribute('aria-invalid'), 'true', bad);
        assert.match(await page.locator('#answer-input').getAttribute('aria-describedby'), /answer-error/);
        assert.equal(await page.evaluate(() => document.activeElement?.id), 'answer-input', bad);
        assert.equal(await progress_text(page), `Question 1 of ${questions.length}`, bad);
      }
      await page.locator('#answer-input').fill('54');
      assert.equal(await page.locator('#answer-error').isVisible(), false, 'the error stays after a fix');
      await page.locator('#next').click();
      await expect_question(page, 1);
    } finally {
      await page.close_all();
    }
  });

  it('never takes an untouched question of ticks as "none of these"', async () => {
    const page = await open_page(kPhone);
    try {
      const red_flags = questions.findIndex((q) => q.id === 'red_flags');
      await answer_questions(page, kSelfCare, {to: red_flags});
      await expect_question(page, red_flags);
      await page.locator('#next').click();
      const error = page.locator('#answer-error');
      await error.waitFor();
      assert.match(await error.textContent(), new RegExp(questions[red_flags].none_label));
      assert.equal(await progress_text(page), `Question ${red_flags + 1} of ${questions.length}`);
      // Ticking an answer and taking it off again is not "none" either.
      await page.locator('#option-history_of_cancer').check();
      await page.locator('#option-history_of_cancer').uncheck();
      await page.locator('#next').click();
      await error.waitFor();
      assert.equal(await progress_text(page), `Question ${red_flags + 1} of ${questions.length}`);
      // "None of these" and an answer cannot both be ticked.
      await page.locator('#option-fall_or_injury').check();
      await page.locator('#option-none').check();
      assert.equal(await page.locator('#option-fall_or_injury').isChecked(), false);
      await page.locator('#option-fall_or_injury').check();
      assert.equal(await page.locator('#option-none').isChecked(), false);
    } finally {
      await page.close_all();
    }
  });

  it('marks the first place ticked as the main place and lets it be changed', async () => {
    const page = await open_page(kPhone);
    try {
      const locations = questions.findIndex((q) => q.id === 'locations');
      await answer_questions(page, kSelfCare, {to: locations});
      await page.locator('#option-buttock').check();
      await page.locator('#option-outer_hip').check();
      const main_of = () => page.locator('.option-main .option-text').allTextContents();
      assert.deepEqual(await main_of(), ['Buttock']);
      assert.match(await page.locator('.order-summary').textContent(), /main place: Buttock\. Also: Outside of the hip/);
      const make_main = page.getByRole('button', {name: 'Make this my main place: Outside of the hip'});
      await make_main.focus();
      await page.keyboard.press('Enter');
      assert.deepEqual(await main_of(), ['Outside of the hip']);
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'option-outer_hip');
      // Taking the main place off makes the next one the main place.
      await page.locator('#option-outer_hip').uncheck();
      assert.deepEqual(await main_of(), ['Buttock']);
      await page.locator('#option-outer_hip').check();
      await page.getByRole('button', {name: /Make this my main place: Outside of the hip/}).click();
      await page.locator('#next').click();
      const sent = await walk_to_result_from(page, locations + 1);
      assert.deepEqual(sent.locations, ['outer_hip', 'buttock']);
      assert.match(await page.locator('.result-answers').textContent(), /Outside of the hip \(main place\), Buttock/);
    } finally {
      await page.close_all();
    }
  });

  it('keeps the answers when going Back and after a reload, and Start again clears them', async () => {
    const page = await open_page(kPhone);
    try {
      const locations = questions.findIndex((q) => q.id === 'locations');
      const answers = {...kSelfCare, locations: ['buttock', 'outer_hip']};
      await answer_questions(page, answers, {to: locations + 2});
      await expect_question(page, locations + 2);

      for (let index = locations + 1; index >= 0; --index) {
        await page.locator('#back').click();
        await expect_question(page, index);
      }
      assert.equal(await page.locator('#answer-input').inputValue(), String(answers.age));
      assert.equal(await page.locator('#back').count(), 0, 'the first question has a Back button');
      await page.locator('#next').click();
      assert.equal(await page.locator(`#option-${answers.side}`).isChecked(), true, 'Back lost the side');
      await page.locator('#next').click();
      await expect_question(page, locations);
      assert.deepEqual(await page.locator('.option-main .option-text').allTextContents(), ['Buttock']);
      await page.locator('#next').click();
      await expect_question(page, locations + 1);
      await screenshot(page, 'back-phone-light');

      await page.reload();
      await expect_question(page, locations + 1, {focused: false});
      assert.equal(await page.locator('#answer-input').inputValue(), String(answers[questions[locations + 1].id]));
      await page.locator('#back').click();
      await expect_question(page, locations);
      assert.deepEqual(await page.locator('.option-main .option-text').allTextContents(), ['Buttock'],
                       'the main place was lost in the reload');
      assert.equal(await page.locator('#option-outer_hip').isChecked(), true);

      await page.locator('#restart').click();
      await expect_question(page, 0);
      assert.equal(await page.locator('#answer-input').inputValue(), '');
      await page.reload();
      await expect_question(page, 0, {focused: false});
      assert.equal(await page.locator('#answer-input').inputValue(), '');
      assert.deepEqual(page.errors, []);
    } finally {
      await page.close_all();
    }
  });

  it('can be answered with the keyboard alone', async () => {
    const page = await open_page(kPhone);
    try {
      for (let press = 0; press < 20; ++press) {
        await page.keyboard.press('Tab');
        if (await page.evaluate(() => document.activeElement?.id === 'answer-input')) break;
      }
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'answer-input');
      await page.keyboard.type('54');
      await page.keyboard.press('Enter');
      await expect_question(page, 1);
      const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
      assert.notEqual(outline, 'none', 'the focused question heading shows no outline');
      await page.keyboard.press('Tab');
      assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('type')), 'radio');
      await page.keyboard.press('Space');
      assert.equal(await page.evaluate(() => document.activeElement?.checked), true);
      await page.keyboard.press('Tab');
      await page.keyboard.press('Tab');
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'next');
      await page.keyboard.press('Enter');
      await expect_question(page, 2);
    } finally {
      await page.close_all();
    }
  });

  it('shows the server\'s problem detail when the answers are refused, with a retry', async () => {
    const page = await open_page({...kPhone, axe: true});
    try {
      await page.route('**/api/v1/triage', (route) => route.fulfill({
        status: 400,
        contentType: 'application/problem+json',
        body: JSON.stringify({type: 'about:blank', title: 'invalid input', status: 400,
                              detail: 'must be an integer 0..10, got 12', where: '/pain_now'}),
      }));
      await answer_questions(page, kSelfCare);
      const alert = page.locator('#submit-error');
      await alert.getByRole('heading').waitFor();
      assert.equal(await alert.getAttribute('role'), 'alert');
      const text = await alert.textContent();
      assert.match(text, /could not be checked/);
      assert.match(text, /400/);
      assert.match(text, /must be an integer 0\.\.10, got 12/);
      assert.match(text, /\/pain_now/);
      assert.equal(await page.locator('#result').isVisible(), false);
      await assert_no_axe_violations(page, 'submit error');
      await screenshot(page, 'post-error-phone-light');

      const pain_now = questions.find((q) => q.id === 'pain_now');
      await alert.getByRole('button', {name: `Change your answer to “${pain_now.prompt}”`}).click();
      await expect_question(page, questions.indexOf(pain_now));
      assert.equal(await page.locator('#answer-input').inputValue(), String(kSelfCare.pain_now));

      await page.unroute('**/api/v1/triage');
      await page.route('**/api/v1/triage', (route) => route.abort('connectionrefused'));
      await walk_to_result_from(page, questions.indexOf(pain_now), {wait: false});
      await page.locator('#submit-error h2').waitFor();
      assert.match(await alert.textContent(), /could not be reached/);

      await page.unroute('**/api/v1/triage');
      await alert.getByRole('button', {name: 'Try again'}).click();
      await page.locator('#result-title').waitFor();
      assert.equal(await page.locator('#submit-error').isVisible(), false);
      assert.deepEqual(page.errors, []);
    } finally {
      await page.close_all();
    }
  });

  it('prints black on white, without buttons, with the source addresses', async () => {
    const page = await open_page(kPhone);
    try {
      await walk_to_result(page, {...kSelfCare, cautions: ['blood_thinners']});
      await page.emulateMedia({media: 'print', colorScheme: 'dark'});
      assert.equal(await page.locator('.result-actions').isVisible(), false);
      assert.equal(await page.locator('.site-header').isVisible(), false);
      const colors = await page.evaluate(() => [getComputedStyle(document.body).backgroundColor,
                                               getComputedStyle(document.body).color]);
      assert.deepEqual(colors, ['rgb(255, 255, 255)', 'rgb(0, 0, 0)']);
      const after_link = await page.locator('.source-link').first()
        .evaluate((a) => getComputedStyle(a, '::after').content);
      assert.match(after_link, /https?:\/\//);
      await screenshot(page, 'print-phone', {full_page: true});
    } finally {
      await page.close_all();
    }
  });
});

// Answers from question `from` on with kSelfCare's answers, keeping those already given, and
// returns the POSTed body (or null when `wait` is false and the POST fails).
async function walk_to_result_from(page, from, {wait = true} = {}) {
  const request = page.waitForRequest((r) => r.url().endsWith('/api/v1/triage') && r.method() === 'POST');
  for (let index = from; index < questions.length; ++index) {
    await expect_question(page, index);
    const question = questions[index];
    const kept = question.type === 'multi_choice'
      ? await page.locator('.option-input:checked, #option-none:checked').count() > 0
      : question.type === 'choice' ? await page.locator('.option-input:checked').count() > 0
        : (await page.locator('#answer-input').inputValue()) !== '';
    if (!kept) await fill(page, question, kSelfCare[question.id]);
    await page.locator('#next').click();
  }
  const sent = (await request).postDataJSON();
  if (wait) await page.locator('#result-title').waitFor();
  return sent;
}

describe('triage page at 1280x800', () => {
  it('walks to "self_care" and passes axe', async () => {
    const page = await open_page({...kDesktop, axe: true});
    try {
      await screenshot(page, 'question-desktop-light');
      await walk_to_result(page, {...kSelfCare, locations: ['outer_hip', 'outer_thigh'],
                                  cautions: ['osteoporosis']});
      assert.equal(await page.getByRole('heading', {name: 'Self-care is a reasonable start', exact: true})
        .getAttribute('id'), 'result-title');
      assert.ok(await page.locator('.result-cautions').isVisible());
      assert.match(await page.locator('.result-cautions').textContent(), /What to do instead/);
      await assert_no_axe_violations(page, 'self-care result, desktop');
      await screenshot(page, 'self-care-desktop-light');
      await screenshot(page, 'self-care-desktop-full', {full_page: true});
      assert.deepEqual(page.errors, []);
    } finally {
      await page.close_all();
    }
  });
});

it('serves the triage page and its files with the types a browser needs', async () => {
  for (const [file, type] of [['triage.html', /text\/html/], ['css/triage.css', /text\/css/],
                              ['js/triage.mjs', /javascript/], ['js/triage-render.mjs', /javascript/]]) {
    const response = await fetch(`${server.url}${file}`);
    assert.equal(response.status, 200, file);
    assert.match(response.headers.get('content-type') ?? '', type, file);
  }
});

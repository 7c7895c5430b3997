// Browser tests of the protocol page (web/index.html) against a real HipCoach server on
// 127.0.0.1, driving Debian's chromium through playwright-core and auditing with axe-core.
//
// Run from the repository root: node --test tests/browser/*.spec.mjs
// (HIPCOACH_BIN names the server binary; the default is build/hipcoach.)
// Screenshots go to build/screenshots/.

import assert from 'node:assert/strict';
import {mkdirSync} from 'node:fs';
import path from 'node:path';
import {after, before, describe, it} from 'node:test';

import {axe_violations, describe_violations, kScreenshots, launch_browser, new_page, start_server} from './server.mjs';

const kSizes = [{name: 'phone', width: 360, height: 800}, {name: 'desktop', width: 1280, height: 800}];
const kGroups = ['gluteus-medius-minimus', 'tensor-fasciae-latae', 'external-rotators'];

let server;
let browser;

before(async () => {
  mkdirSync(kScreenshots, {recursive: true});
  server = await start_server();
  browser = await launch_browser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

// Opens a fresh page at `hash` (e.g. '#external-rotators'), waiting until the protocol is shown.
// Any uncaught page error fails the test that made the page.
// Content-Security-Policy violations count as page errors too.
async function open_page({width, height, color_scheme = 'light', hash = '', wait = true, axe = false}) {
  const page = await new_page(browser, {width, height, color_scheme, axe});
  if (wait) {
    await page.goto(`${server.url}${hash}`);
    await page.locator('.group h2').first().waitFor();
  }
  return page;
}

async function screenshot(page, name) {
  await page.screenshot({path: path.join(kScreenshots, `${name}.png`), fullPage: true});
}

// Presses Tab until the focused element matches `selector`; fails after `limit` presses.
async function tab_to(page, selector, limit = 60) {
  for (let press = 0; press < limit; ++press) {
    await page.keyboard.press('Tab');
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
  }
  assert.fail(`no element matching ${selector} within ${limit} presses of Tab`);
}

for (const size of kSizes) {
  describe(`protocol page at ${size.width}x${size.height}`, () => {
    it('loads and lists the three muscle groups', async () => {
      const page = await open_page(size);
      try {
        const links = page.getByRole('navigation', {name: 'Choose a muscle group'}).getByRole('link');
        assert.equal(await links.count(), 3);
        const hrefs = await links.evaluateAll((all) => all.map((a) => a.getAttribute('href')));
        assert.deepEqual(hrefs, kGroups.map((id) => `#${id}`));
        assert.equal(await page.locator('#status').textContent(), '');
        assert.ok(await page.getByRole('heading', {level: 1}).isVisible());
        assert.ok(await page.getByRole('heading', {name: 'Self-care guidance, not a diagnosis'}).isVisible());
        for (const id of ['temporary-relief', 'long-term-plan', 'when-to-get-help', 'tender-spots',
                          'massage-gun-safety']) {
          const section = page.locator(`section#guidance-${id}`);
          assert.equal(await section.count(), 1, `no guidance section ${id}`);
          assert.ok(await section.locator('a.cite').count() > 0, `guidance section ${id} cites no source`);
        }
        const no_horizontal_scroll = await page.evaluate(
          () => document.documentElement.scrollWidth <= document.documentElement.clientWidth);
        assert.ok(no_horizontal_scroll, 'the page scrolls sideways');
        await screenshot(page, `home-${size.name}-light`);
        assert.deepEqual(page.errors, []);
      } finally {
        await page.close_all();
      }
    });

    it('lets a keyboard user open the TFL group and follow a footnote to its source', async () => {
      const page = await open_page(size);
      try {
        await page.keyboard.press('Tab');
        assert.equal(await page.evaluate(() => document.activeElement.className), 'skip-link');
        const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
        assert.notEqual(outline, 'none', 'the focused skip link shows no focus outline');

        await tab_to(page, 'a[href="#tensor-fasciae-latae"]');
        const link_outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
        assert.notEqual(link_outline, 'none', 'the focused group link shows no focus outline');
        await page.keyboard.press('Enter');
        await page.waitForFunction(() => document.activeElement?.id === 'tensor-fasciae-latae-title');
        assert.equal(new URL(page.url()).hash, '#tensor-fasciae-latae');

        const section = page.locator('section#tensor-fasciae-latae');
        assert.match(await section.getByRole('heading', {level: 2}).textContent(), /Tensor fasciae latae/);
        assert.equal(await page.locator('a[href="#tensor-fasciae-latae"]').getAttribute('aria-current'), 'page');

        const map = section.getByRole('img', {name: /Body map/});
        await map.scrollIntoViewIfNeeded();
        assert.ok(await map.isVisible(), 'the body map is not visible');
        const labels = await section.locator('svg.body-map-svg .map-label').allTextContents();
        assert.ok(labels.some((l) => /ASIS/.test(l)), `no ASIS label in ${labels}`);
        assert.ok(labels.some((l) => /Greater trochanter/.test(l)), `no greater trochanter label in ${labels}`);
        assert.equal(await section.locator('svg.body-map-svg .map-landmark-dot').count(), 2);
        const treat = section.locator('svg.body-map-svg ellipse.map-treat-shape');
        assert.equal(await treat.count(), 1);
        const treat_box = await treat.boundingBox();
        assert.ok(treat_box && treat_box.width > 10 && treat_box.height > 10, 'the treat area is not drawn');

        assert.match(await section.locator('.hold').textContent(), /1\.5 to 3 minutes \(90–180 s\)/);
        assert.ok(await section.getByText("Clinic's advice").first().isVisible());
        assert.ok(await section.getByText('Published caution').first().isVisible());
        await screenshot(page, `tfl-${size.name}-light`);

        await tab_to(page, '#tensor-fasciae-latae a.cite');
        const href = await page.evaluate(() => document.activeElement.getAttribute('href'));
        assert.match(href, /^#tensor-fasciae-latae-source-\d+$/);
        await page.keyboard.press('Enter');
        await page.waitForFunction((h) => window.location.hash === h, href);
        const source = page.locator(href);
        assert.ok(await source.isVisible());
        const in_view = await source.evaluate((li) => {
          const box = li.getBoundingClientRect();
          return box.top >= 0 && box.bottom <= window.innerHeight;
        });
        assert.ok(in_view, 'the source the footnote points to is not scrolled into view');
        assert.match(await source.textContent(), /\w{4,}/);
        assert.ok(await page.locator('section#tensor-fasciae-latae').isVisible(), 'the group closed');

        await page.goBack();
        await page.waitForFunction(() => window.location.hash === '#tensor-fasciae-latae');
        await page.goBack();
        await page.waitForFunction(() => window.location.hash === '');
        assert.ok(await page.locator('.group').isVisible());
        assert.deepEqual(page.errors, []);
      } finally {
        await page.close_all();
      }
    });

    it('shows the place to keep off and the sciatic caution for the external rotators', async () => {
      const page = await open_page({...size, hash: '#external-rotators'});
      try {
        const section = page.locator('section#external-rotators');
        assert.ok(await section.isVisible());
        const avoid = section.locator('svg.body-map-svg ellipse.map-avoid-shape');
        assert.equal(await avoid.count(), 1);
        assert.ok(await avoid.isVisible());
        assert.equal(await section.locator('svg.body-map-svg ellipse.map-treat-shape').count(), 1);
        assert.match(await section.locator('.legend').textContent(), /Keep off/);
        assert.match(await section.getByRole('img', {name: /Body map/}).getAttribute('aria-describedby'),
                     /external-rotators-map-desc/);
        assert.match(await section.locator('#external-rotators-map-desc').textContent(), /Keep off:.*sciatic/i);
        assert.match(await section.locator('.cautions').textContent(), /sciatic/i);
        await screenshot(page, `external-rotators-${size.name}-light`);
        assert.deepEqual(page.errors, []);
      } finally {
        await page.close_all();
      }
    });

    it('follows the hash: Back returns to the group shown before', async () => {
      const page = await open_page({...size, hash: '#gluteus-medius-minimus'});
      try {
        await page.locator('a[href="#external-rotators"]').click();
        await page.locator('section#external-rotators').waitFor();
        await page.goBack();
        await page.locator('section#gluteus-medius-minimus').waitFor();
        assert.equal(await page.locator('section.group').count(), 1);
        assert.match(await page.title(), /Gluteus medius/);
      } finally {
        await page.close_all();
      }
    });

    for (const color_scheme of ['light', 'dark']) {
      it(`has no axe violations in ${color_scheme} mode for any group`, async () => {
        const page = await open_page({...size, color_scheme, axe: true});
        try {
          for (const id of kGroups) {
            await page.evaluate((h) => { window.location.hash = h; }, `#${id}`);
            await page.locator(`section#${id}`).waitFor();
            const violations = await axe_violations(page);
            assert.equal(violations.length, 0, `#${id}:\n${describe_violations(violations)}`);
          }
          if (color_scheme === 'dark') {
            const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
            assert.equal(background, 'rgb(18, 20, 23)', 'the dark colour scheme is not applied');
            await page.evaluate(() => { window.location.hash = '#gluteus-medius-minimus'; });
            await screenshot(page, `gluteus-${size.name}-dark`);
          }
          assert.deepEqual(page.errors, []);
        } finally {
          await page.close_all();
        }
      });
    }

    it('explains an API failure (problem+json) and passes axe', async () => {
      const page = await open_page({...size, wait: false, axe: true});
      try {
        await page.route('**/api/v1/protocol', (route) => route.fulfill({
          status: 503,
          contentType: 'application/problem+json',
          body: JSON.stringify({type: 'about:blank', title: 'unavailable', status: 503,
                                detail: 'the protocol data could not be read', where: 'data/protocol'}),
        }));
        await page.goto(server.url);
        const alert = page.getByRole('alert');
        await alert.getByRole('heading').waitFor();
        const text = await alert.textContent();
        assert.match(text, /could not be loaded/);
        assert.match(text, /503/);
        assert.match(text, /the protocol data could not be read/);
        assert.ok(await alert.getByRole('button', {name: 'Try again'}).isVisible());
        assert.equal(await page.locator('#protocol').isVisible(), false);
        const violations = await axe_violations(page);
        assert.equal(violations.length, 0, describe_violations(violations));
        await screenshot(page, `api-error-${size.name}-light`);

        await page.unroute('**/api/v1/protocol');
        await alert.getByRole('button', {name: 'Try again'}).click();
        await page.locator('.group h2').waitFor();
        assert.equal(await page.locator('#load-error').isVisible(), false);
      } finally {
        await page.close_all();
      }
    });

    it('explains when the server cannot be reached', async () => {
      const page = await open_page({...size, wait: false});
      try {
        await page.route('**/api/v1/protocol', (route) => route.abort('connectionrefused'));
        await page.goto(server.url);
        const alert = page.getByRole('alert');
        await alert.getByRole('heading').waitFor();
        assert.match(await alert.textContent(), /could not be reached/);
      } finally {
        await page.close_all();
      }
    });
  });
}

it('serves the page and its files with the types a browser needs', async () => {
  for (const [file, type] of [['', /text\/html/], ['css/main.css', /text\/css/], ['js/app.mjs', /javascript/]]) {
    const response = await fetch(`${server.url}${file}`);
    assert.equal(response.status, 200, file);
    assert.match(response.headers.get('content-type') ?? '', type, file);
  }
});

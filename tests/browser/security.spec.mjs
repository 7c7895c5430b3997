// Every page is served with the security headers and runs under the Content-Security-Policy:
// nothing on it breaks the policy, and a script injected inline is refused. The other specs run
// their pages under the same policy, so a page that needed inline script would fail there too.
//
// Run from the repository root: node --test --test-concurrency=1 tests/browser/security.spec.mjs

import assert from 'node:assert/strict';
import {readdirSync} from 'node:fs';
import path from 'node:path';
import {after, before, describe, it} from 'node:test';

import {kRepositoryRoot, launch_browser, new_page, start_server} from './server.mjs';

const kPages = readdirSync(path.join(kRepositoryRoot, 'web')).filter((name) => name.endsWith('.html')).sort();

let server;
let browser;

before(async () => {
  server = await start_server({database: true});
  browser = await launch_browser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

describe('security headers and the Content-Security-Policy', () => {
  for (const file of kPages) {
    it(`${file}: the headers, no policy violation, and inline script refused`, async () => {
      const page = await new_page(browser, {width: 360, height: 740});
      try {
        const response = await page.goto(`${server.url}${file}`);
        assert.equal(response.status(), 200);
        const headers = response.headers();
        assert.match(headers['content-security-policy'], /script-src 'self'/);
        assert.match(headers['content-security-policy'], /frame-ancestors 'none'/);
        assert.doesNotMatch(headers['content-security-policy'], /unsafe-inline|unsafe-eval/);
        assert.equal(headers['x-content-type-options'], 'nosniff');
        assert.equal(headers['referrer-policy'], 'no-referrer');
        assert.equal(headers['x-frame-options'], 'DENY');
        // Let the page's modules run and call the API (signed out).
        await page.waitForLoadState('networkidle');

        const refused = page.waitForEvent('console', {
          predicate: (message) => /Content Security Policy/i.test(message.text()),
          timeout: 5000,
        });
        await page.evaluate(() => {
          const script = document.createElement('script');
          script.textContent = 'window.injected = true;';
          document.head.append(script);
        });
        await refused;
        assert.equal(await page.evaluate(() => window.injected), undefined);
        // The refusal above is the only violation: the page itself broke none.
        assert.deepEqual(page.errors.filter((error) => !/Content Security Policy/i.test(error)), []);
        assert.equal(page.errors.length, 1, page.errors.join('\n'));
      } finally {
        await page.close_all();
      }
    });
  }
});

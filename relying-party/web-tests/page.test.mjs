// The relying party's page in headless Chromium: the QR code is shown, the
// CLI wallet answers, and the page turns to the verdict without a reload.
// Needs ELICENCE (the elicence binary) and RP_FIXTURE (the rp_page_fixture
// example binary); scripts/test-rp-web.sh builds both.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import { chromium } from 'playwright-core';

function startFixture() {
  const child = spawn(process.env.RP_FIXTURE, [], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout });
  return new Promise((resolve, reject) => {
    lines.once('line', (line) => resolve({ child, fixture: JSON.parse(line) }));
    child.once('exit', (code) => reject(new Error(`fixture exited ${code}`)));
  });
}

test('QR shown, the wallet answers, the page shows the verdict without reload', async () => {
  const { child, fixture } = await startFixture();
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
  try {
    const page = await browser.newPage();
    let navigations = 0;
    page.on('framenavigated', (frame) => { if (frame === page.mainFrame()) navigations += 1; });
    await page.goto(`${fixture.base}/requests/${fixture.id}/result`);
    assert.equal(navigations, 1);
    await page.waitForFunction(() => {
      const img = document.querySelector('#qr');
      return img && img.complete && img.naturalWidth > 100;
    });
    assert.equal(await page.getAttribute('body', 'data-state'), 'pending');

    execFileSync(process.env.ELICENCE, ['wallet', 'present', fixture.uri,
      '--credential', fixture.credential, '--holder-key', fixture.key,
      '--rp-ca', fixture.ca, '--yes'], { stdio: 'pipe' });

    await page.waitForFunction(() => document.body.dataset.state === 'verified', null, { timeout: 30000 });
    const verdict = await page.textContent('#verdict');
    assert.match(verdict, /ตรวจสอบแล้ว ถูกต้อง/);
    assert.match(verdict, /VERIFIED/);
    assert.match(await page.textContent('#agency'), /Department of Industrial Works \(test data\)/);
    assert.match(await page.textContent('body'), /0105536112014/);
    assert.equal(await page.$('#qr'), null);
    assert.equal(navigations, 1, 'the page must not reload');
  } finally {
    await browser.close();
    child.stdin.end();
    child.kill();
  }
});

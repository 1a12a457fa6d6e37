// The agency console end to end in Debian's headless Chromium: a person with
// only a browser signs in with password and TOTP, issues a licence from the
// form (the juristic ID checked as it is typed), prints it, finds it by the
// holder's Thai name, and a revoker revokes it with a reason and sees it in
// its history. Every page is checked with axe-core: no serious or critical
// violation. Screenshots: target/web-test-output/console-*.png.
//
// The service is `cargo run -p elicence-issuer --example console_fixture`
// (built by scripts/test-console-web.sh; FIXTURE_BIN names the binary).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { mkdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const ROOT = resolve(import.meta.dirname, '../..');
const OUT = process.env.WEB_TEST_OUTPUT || join(ROOT, 'target/web-test-output');
const BIN = process.env.FIXTURE_BIN || join(ROOT, 'target/debug/examples/console_fixture');
const AXE = await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

let fixture, service, browser;

before(async () => {
  await mkdir(OUT, { recursive: true });
  fixture = spawn(BIN, [], { stdio: ['pipe', 'pipe', 'inherit'] });
  const line = await new Promise((ok, fail) => {
    fixture.on('error', fail);
    fixture.on('exit', (code) => fail(new Error(`fixture exited ${code}`)));
    createInterface({ input: fixture.stdout }).once('line', ok);
  });
  service = JSON.parse(line);
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  });
});

after(async () => {
  if (browser) await browser.close().catch(() => {});
  if (fixture) {
    const exited = new Promise((ok) => fixture.once('exit', ok));
    fixture.stdin.end();
    await exited;
  }
});

// RFC 6238 with the service's parameters (SHA-1, 6 digits, 30 s).
function base32(text) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0, value = 0;
  const out = [];
  for (const c of text) {
    value = (value << 5) | alphabet.indexOf(c);
    bits += 5;
    if (bits >= 8) { out.push((value >>> (bits - 8)) & 0xff); bits -= 8; }
  }
  return Buffer.from(out);
}
const lastStep = new Map();
function totp(user) {
  // A code is accepted once: a second sign-in takes the next step's code.
  const step = Math.max(Math.floor(Date.now() / 30000), (lastStep.get(user.username) ?? 0) + 1);
  lastStep.set(user.username, step);
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const h = createHmac('sha1', base32(user.totp)).update(counter).digest();
  const o = h[h.length - 1] & 0xf;
  const n = ((h[o] & 0x7f) << 24) | (h[o + 1] << 16) | (h[o + 2] << 8) | h[o + 3];
  return String(n % 1000000).padStart(6, '0');
}
const user = (name) => service.users.find((u) => u.username === name);

// A phone-sized page, with CSP bypassed only so axe-core can be injected.
async function phone() {
  const context = await browser.newContext({
    viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, locale: 'th-TH', bypassCSP: true,
  });
  return context.newPage();
}

async function axe(page, label) {
  await page.addScriptTag({ content: AXE });
  const result = await page.evaluate(async () => window.axe.run(document, { resultTypes: ['violations'] }));
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(bad.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target).join(', ')})`), [], `axe on ${label}`);
}

async function signIn(page, u) {
  await page.goto(`${service.url}/console/login`);
  await axe(page, 'sign-in page');
  await page.fill('#username', u.username);
  await page.fill('#password', u.password);
  if (u.totp) await page.fill('#code', totp(u));
  await Promise.all([page.waitForURL(`${service.url}/console/`), page.click('form[action="/console/login"] button')]);
}

test('a person issues, prints, finds and revokes a licence in the browser', async () => {
  const page = await phone();
  await signIn(page, user('wanna'));
  assert.match(await page.textContent('main'), /วรรณา ออกใบ/);
  await axe(page, 'start page');

  // Choose the licence type: the script submits the choice.
  await page.click('nav >> text=ออกใบอนุญาต');
  await Promise.all([page.waitForURL(/type=food-sale/), page.selectOption('#type-choice', 'food-sale')]);
  await axe(page, 'issue form');

  // The juristic ID's check digit as it is typed.
  await page.fill('#juristic_id', '0105536112015');
  assert.equal(await page.textContent('#juristic_id-live'), 'หลักตรวจสอบไม่ถูกต้อง');
  await page.fill('#juristic_id', '0105536112014');
  assert.equal(await page.textContent('#juristic_id-live'), '');

  await page.fill('#number', 'สน.7/2569');
  await page.fill('#name_th', 'บริษัท ครัวบางรัก จำกัด');
  await page.fill('#name_en', 'Bang Rak Kitchen Co., Ltd.');
  await page.fill('#address_th', 'เลขที่ ๙ ถนนเจริญกรุง เขตบางรัก กรุงเทพมหานคร ๑๐๕๐๐');
  await page.fill('#activities', 'จำหน่ายอาหารและเครื่องดื่ม');
  await page.fill('#valid_from', '01/01/2569');
  await page.fill('#valid_until', '31/12/2569');
  await page.screenshot({ path: join(OUT, 'console-issue-form.png'), fullPage: true });
  await Promise.all([page.waitForURL(/issued=1/), page.click('form[action="/console/issue"] button')]);
  assert.match(await page.textContent('main'), /ออกใบอนุญาตเรียบร้อยแล้ว/);
  assert.match(await page.textContent('main'), /๑ มกราคม พ\.ศ\. ๒๕๖๙/);
  await axe(page, 'licence page');
  await page.screenshot({ path: join(OUT, 'console-licence.png'), fullPage: true });
  const licenceUrl = page.url().replace('?issued=1', '');

  // The printable page and the public licence page with its QR code.
  const print = await page.context().newPage();
  await print.goto(`${licenceUrl}/print`);
  assert.match(await print.textContent('body'), /สน\.7\/2569/);
  await print.screenshot({ path: join(OUT, 'console-print.png'), fullPage: true });
  await print.close();
  const publicHref = await page.getAttribute('a[href^="/agencies/"]', 'href');
  const pub = await page.context().newPage();
  await pub.goto(`${service.url}${publicHref}`);
  assert.ok(await pub.locator('svg').count() > 0, 'the licence page shows its QR code');
  await pub.close();

  // The issuer cannot revoke: no button.
  assert.equal(await page.locator('a[href$="/status/revoke"]').count(), 0);

  // A revoker finds it by part of the Thai name and revokes it with a reason.
  const rev = await phone();
  await signIn(rev, user('prasert'));
  await rev.goto(`${service.url}/console/licences`);
  await rev.fill('#q', 'ครัวบาง');
  await Promise.all([rev.waitForURL(/q=/), rev.click('form[role="search"] button')]);
  await axe(rev, 'search results');
  await Promise.all([rev.waitForURL(licenceUrl), rev.click('text=สน.7/2569')]);
  await Promise.all([rev.waitForURL(/status\/revoke$/), rev.click('a[href$="/status/revoke"]')]);
  await axe(rev, 'revoke confirmation');
  await rev.fill('#reason', 'ไม่ปฏิบัติตามเงื่อนไขด้านสุขอนามัย');
  await rev.screenshot({ path: join(OUT, 'console-revoke.png'), fullPage: true });
  await Promise.all([rev.waitForURL(licenceUrl), rev.click('button[name="confirm"]')]);
  const main = await rev.textContent('main');
  assert.match(main, /ถูกเพิกถอน/);
  assert.match(main, /ไม่ปฏิบัติตามเงื่อนไขด้านสุขอนามัย/);
  assert.match(main, /prasert/);
  await rev.screenshot({ path: join(OUT, 'console-revoked.png'), fullPage: true });
});

test('English, the users page and the audit log pass axe too', async () => {
  const page = await phone();
  await signIn(page, user('boss'));
  await page.goto(`${service.url}/console/?lang=en`);
  assert.match(await page.textContent('main'), /Manage users/);
  await axe(page, 'start page (English)');
  await page.goto(`${service.url}/console/users`);
  await axe(page, 'users page');
  await page.goto(`${service.url}/console/audit`);
  await axe(page, 'audit log');
  await page.goto(`${service.url}/console/issue?type=hotel`);
  await axe(page, 'issue form (English, hotel)');
  // A viewer is refused the issue form.
  const viewer = await phone();
  await signIn(viewer, user('malee'));
  const r = await viewer.goto(`${service.url}/console/issue`);
  assert.equal(r.status(), 403);
  await axe(viewer, 'refusal page');
});

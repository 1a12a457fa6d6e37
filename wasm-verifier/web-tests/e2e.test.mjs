// End-to-end tests of the inspector in Debian's headless Chromium: the built
// app (target/web) served from 127.0.0.1, QR codes fed through the fake
// camera and the photo upload, the verdict and licence fields read off the
// page, no request made while verifying, and the valid case repeated with
// the network off. Screenshots and timings go to target/web-test-output/.
//
// Inputs: WEB_DIR (default target/web), FIXTURES (default target/web-fixtures,
// made by `cargo run -p elicence-wasm --example web_fixtures`).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { serve } from './serve.mjs';

const ROOT = resolve(import.meta.dirname, '../..');
const WEB = resolve(process.env.WEB_DIR || join(ROOT, 'target/web'));
const FIX = resolve(process.env.FIXTURES || join(ROOT, 'target/web-fixtures'));
const OUT = join(ROOT, 'target/web-test-output');
// The fixtures' clock: status snapshots fetched 2026-05-31 are a day old.
const NOW = new Date('2026-06-01T00:00:00Z');
const FLAGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream',
];

const EXPECT = {
  valid: { verdict: 'valid', number: 'ข-12345/2565', issuer: 'Department of Industrial Works' },
  tampered: { verdict: 'invalid', reasonEn: /signature/i, noDetails: true },
  revoked: { verdict: 'invalid', number: 'ข-12346/2565', issuer: 'Department of Industrial Works', reasonEn: /revoked/i },
  untrusted: { verdict: 'invalid', number: 'ข-12348/2565', issuer: 'not on the trust list', reasonEn: /trust list/i },
};

let server;
const timings = [];
const browsers = [];

before(async () => {
  await mkdir(OUT, { recursive: true });
  server = await serve(WEB);
});
after(async () => {
  for (const b of browsers) await b.close().catch(() => {});
  if (server) await server.close().catch(() => {});
  await writeFile(join(OUT, 'timings.json'), JSON.stringify(timings, null, 2));
  for (const t of timings) console.log(`timing ${t.label}: ready ${t.readyMs} ms, first verdict ${t.verdictMs} ms`);
});

// A fresh Chromium profile whose camera shows `video` (a looping Y4M file).
async function launch(video, { locale = 'en-GB', dir } = {}) {
  const userDataDir = dir || await mkdtemp(join(tmpdir(), 'elicence-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: [...FLAGS, `--use-file-for-fake-video-capture=${video}`],
    viewport: { width: 412, height: 915 },
    deviceScaleFactor: 2,
    locale,
    permissions: ['camera'],
  });
  await context.clock.setFixedTime(NOW);
  browsers.push(context);
  const page = context.pages()[0] || await context.newPage();
  const requests = [];
  context.on('request', (r) => requests.push({ url: r.url(), at: Date.now() }));
  page.on('pageerror', (e) => console.error('page error:', e.message));
  return { context, page, requests, userDataDir };
}

// Loads the app and waits until it is ready and idle (bundle refresh over).
async function open(page, label) {
  const t0 = Date.now();
  await page.goto(server ? server.url : 'about:blank');
  await page.waitForSelector('html[data-ready]', { timeout: 30_000 });
  const readyMs = Date.now() - t0;
  await page.waitForFunction(() => ['done', 'skipped', 'failed'].includes(document.documentElement.dataset.bundleRefresh), null, { timeout: 30_000 });
  return { t0, readyMs, label };
}

async function verdictOf(page, expected) {
  await page.waitForSelector(`html[data-verdict="${expected}"]`, { timeout: 30_000 });
  return page.evaluate(() => ({
    word: document.getElementById('verdict-word').textContent,
    reason: document.getElementById('verdict-reason').textContent,
    cls: document.getElementById('verdict').className,
    fields: Object.fromEntries([...document.querySelectorAll('#details dd')].map((dd) => [dd.dataset.field, dd.textContent])),
    checks: [...document.querySelectorAll('#checks li')].map((li) => [li.dataset.code, li.className]),
    bundle: document.getElementById('bundle').textContent,
    testData: document.getElementById('testdata').textContent,
  }));
}

function assertCase(name, got) {
  const want = EXPECT[name];
  assert.match(got.cls, new RegExp(want.verdict), `${name}: verdict class`);
  if (want.reasonEn) assert.match(got.reason, want.reasonEn, `${name}: reason`);
  if (want.noDetails) {
    assert.deepEqual(got.fields, {}, `${name}: unverified data must not be shown`);
  } else {
    assert.equal(got.fields.number, want.number, `${name}: licence number`);
    assert.equal(got.fields.holder, 'Thai Food Products Co., Ltd.');
    assert.equal(got.fields.juristic, '0105536112014');
    assert.match(got.fields.type, /Factory operation licence/);
    assert.match(got.fields.premises, /Samut Prakan/);
    assert.equal(got.fields.validity, '1 January 2026 (B.E. 2569) to 31 December 2030 (B.E. 2573)');
    const issuer = got.fields.issuer || got.fields.issuerClaimed;
    assert.ok(issuer.includes(want.issuer), `${name}: issuer ${issuer}`);
    // The trust list names recognised agencies; anyone else is only a claim.
    assert.equal(got.fields.issuer === undefined, name === 'untrusted');
  }
  assert.match(got.testData, /TEST DATA/);
  assert.match(got.bundle, /version 1/);
}

for (const name of ['valid', 'tampered', 'revoked', 'untrusted']) {
  test(`${name} licence through the camera, then as an uploaded photo`, async () => {
    const { page, requests } = await launch(join(FIX, `${name}.y4m`));
    const t = await open(page, `${name} (cold, camera)`);
    await page.screenshot({ path: join(OUT, `${name}-0-ready.png`) });

    const mark = requests.length;
    await page.click('#scan');
    const got = await verdictOf(page, EXPECT[name].verdict);
    timings.push({ ...t, verdictMs: Date.now() - t.t0 });
    assert.deepEqual(requests.slice(mark), [], 'no request while scanning and verifying');
    assertCase(name, got);
    await page.screenshot({ path: join(OUT, `${name}-1-camera-verdict.png`), fullPage: true });

    // The same licence as a photo: the result is cleared, then shown again.
    const mark2 = requests.length;
    await page.setInputFiles('#photo', join(FIX, `${name}.png`));
    const again = await verdictOf(page, EXPECT[name].verdict);
    assert.deepEqual(requests.slice(mark2), [], 'no request while decoding the photo and verifying');
    assertCase(name, again);
    for (const r of requests) assert.ok(r.url.startsWith(server.url), `request to another origin: ${r.url}`);
  });
}

// The wasm files a page fetched itself (its worker included), by path.
const wasmFetched = (requests) => requests.map((r) => new URL(r.url).pathname).filter((p) => p.endsWith('.wasm'));

test('without BarcodeDetector the page downloads one module, shared with its decoding worker', async () => {
  const { page } = await launch(join(FIX, 'valid.y4m'));
  const own = [];
  page.on('request', (r) => own.push({ url: r.url() }));
  await open(page, 'valid (module accounting)');
  await page.click('#scan');
  assertCase('valid', await verdictOf(page, 'valid'));
  assert.deepEqual(wasmFetched(own), ['/pkg/elicence_inspector_bg.wasm']);
});

// Android Chrome and Safari 17+ have a native BarcodeDetector; headless
// Chromium on Linux has none. A stand-in BarcodeDetector (this test's: it
// reports the valid licence's payload for any picture with pixels) drives
// the app's native path: only the verifier module is downloaded, and the
// licence verifies as through the wasm decoder.
test('with BarcodeDetector the page downloads only the verifier module', async () => {
  const payloads = JSON.parse(await readFile(join(FIX, 'payloads.json'), 'utf8'));
  const { context, page } = await launch(join(FIX, 'valid.y4m'));
  await context.addInitScript((payload) => {
    window.BarcodeDetector = class {
      static async getSupportedFormats() { return ['qr_code', 'ean_13']; }
      async detect(source) {
        const width = source.videoWidth || source.width || 0;
        return width > 0 ? [{ rawValue: payload, format: 'qr_code' }] : [];
      }
    };
  }, payloads.valid);
  const own = [];
  page.on('request', (r) => own.push({ url: r.url() }));
  const t = await open(page, 'valid (cold, native BarcodeDetector)');
  const mark = own.length;
  await page.click('#scan');
  assertCase('valid', await verdictOf(page, 'valid'));
  timings.push({ ...t, verdictMs: Date.now() - t.t0 });
  assert.deepEqual(own.slice(mark), [], 'no request while scanning and verifying');
  assert.deepEqual(wasmFetched(own), ['/pkg/elicence_verify_bg.wasm']);
  assert.ok(!own.some((r) => r.url.includes('qr-worker')), 'no decoding worker');
});

test('Thai by default for a Thai phone, English on the toggle; pasted vc+jwt', async () => {
  const { page, requests } = await launch(join(FIX, 'valid.y4m'), { locale: 'th-TH' });
  await open(page, 'valid (cold, Thai)');
  await page.click('#scan');
  const th = await verdictOf(page, 'valid');
  assert.equal(th.word, 'ใช้ได้');
  assert.equal(th.fields.holder, 'บริษัท ผลิตภัณฑ์อาหารไทย จำกัด');
  assert.equal(th.fields.validity, '1 มกราคม พ.ศ. 2569 (ค.ศ. 2026) ถึง 31 ธันวาคม พ.ศ. 2573 (ค.ศ. 2030)');
  assert.equal(th.fields.issuer, 'กรมโรงงานอุตสาหกรรม (ข้อมูลทดสอบ)');
  await page.screenshot({ path: join(OUT, 'valid-thai.png'), fullPage: true });
  await page.click('#lang');
  const en = await page.evaluate(() => document.getElementById('verdict-word').textContent);
  assert.equal(en, 'VALID');
  await page.click('#lang');

  const jwt = (await readFile(join(ROOT, 'test-vectors/trust/licences/valid.jwt'), 'utf8')).trim();
  await page.click('#pastebtn');
  await page.fill('#pastetext', jwt);
  await page.evaluate(() => { document.documentElement.dataset.verdict = ''; });
  const mark = requests.length;
  await page.click('#pasteverify');
  const pasted = await verdictOf(page, 'valid');
  assert.equal(pasted.fields.number, 'ข-12345/2565');
  await page.fill('#pastetext', 'not a licence');
  await page.click('#pasteverify');
  const bad = await verdictOf(page, 'invalid');
  assert.equal(bad.word, 'ใช้ไม่ได้');
  assert.deepEqual(requests.slice(mark), []);
  await page.screenshot({ path: join(OUT, 'garbage-thai.png'), fullPage: true });
});

test('after one online visit the valid case works with the network off', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'elicence-chromium-'));
  const first = await launch(join(FIX, 'valid.y4m'), { dir });
  await open(first.page, 'first visit');
  await first.page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 30_000 })
    .catch(async () => { await first.page.reload(); await first.page.waitForSelector('html[data-ready]'); });
  await first.page.waitForSelector('html[data-offline-ready="true"]', { timeout: 30_000 });

  // Network off: the context goes offline and the server stops.
  await first.context.setOffline(true);
  const url = server.url;
  await server.close();
  server = null;
  const t0 = Date.now();
  await first.page.goto(url);
  await first.page.waitForSelector('html[data-ready]', { timeout: 30_000 });
  const readyMs = Date.now() - t0;
  const bundleState = await first.page.evaluate(() => document.documentElement.dataset.bundleRefresh);
  assert.equal(bundleState, 'skipped', 'no bundle refresh while offline');
  await first.page.click('#scan');
  const got = await verdictOf(first.page, 'valid');
  timings.push({ label: 'valid (offline, service worker)', readyMs, verdictMs: Date.now() - t0 });
  assertCase('valid', got);
  assert.match(await first.page.textContent('#net'), /offline/);
  await first.page.screenshot({ path: join(OUT, 'valid-offline.png'), fullPage: true });
  await first.page.setInputFiles('#photo', join(FIX, 'revoked.png'));
  assertCase('revoked', await verdictOf(first.page, 'invalid'));
  await first.context.close();
  await rm(dir, { recursive: true, force: true });
  server = await serve(WEB); // for any later test
});

test('cold start on a cheap-phone profile: 4x slower CPU, slow 4G (measurement)', async () => {
  const { context, page, requests } = await launch(join(FIX, 'valid.y4m'));
  const cdp = await context.newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
  await cdp.send('Network.enable');
  // Lighthouse's "slow 4G": 150 ms RTT, 1.6 Mbit/s down, 750 kbit/s up.
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false, latency: 150, downloadThroughput: 1.6e6 / 8, uploadThroughput: 750e3 / 8,
  });
  const t = await open(page, 'valid (cold, 4x CPU, slow 4G)');
  const mark = requests.length;
  await page.click('#scan');
  assertCase('valid', await verdictOf(page, 'valid'));
  timings.push({ ...t, verdictMs: Date.now() - t.t0 });
  assert.deepEqual(requests.slice(mark), []);
});

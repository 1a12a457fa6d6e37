// End-to-end tests of the inspector in Debian's headless Chromium: the built
// app (target/web) served from 127.0.0.1, QR codes fed through the fake
// camera and the photo upload, the verdict and licence fields read off the
// page, no request made while verifying, and the valid case repeated with
// the network off. Screenshots and timings go to target/web-test-output/.
// Cold starts tap "scan" as soon as the button is enabled, as an inspector
// would: the camera opens while the module is still arriving, and the tests
// print how long the first verdict took (printed, never asserted).
//
// Inputs: WEB_DIR (default target/web), FIXTURES (default target/web-fixtures,
// made by `cargo run -p elicence-wasm --example web_fixtures`).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { serve } from './serve.mjs';

const ROOT = resolve(import.meta.dirname, '../..');
const WEB = resolve(process.env.WEB_DIR || join(ROOT, 'target/web'));
const FIX = resolve(process.env.FIXTURES || join(ROOT, 'target/web-fixtures'));
const OUT = resolve(process.env.WEB_TEST_OUTPUT || join(ROOT, 'target/web-test-output'));
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
// Chromium profiles made in the temp directory; removed after the run.
const profiles = [];

before(async () => {
  await mkdir(OUT, { recursive: true });
  server = await serve(WEB);
});
after(async () => {
  for (const b of browsers) await b.close().catch(() => {});
  for (const p of profiles) await rm(p, { recursive: true, force: true, maxRetries: 5 });
  if (server) await server.close().catch(() => {});
  await writeFile(join(OUT, 'timings.json'), JSON.stringify(timings, null, 2));
  for (const t of timings) {
    const module = t.moduleMs ? `, module downloaded ${t.moduleMs} ms` : '';
    const tap = t.tapMs ? `, scan tapped ${t.tapMs} ms` : '';
    console.log(`timing ${t.label}: ready ${t.readyMs} ms${module}${tap}, first verdict ${t.verdictMs} ms`);
  }
});

// A fresh Chromium profile whose camera shows `video` (a looping Y4M file).
async function launch(video, { locale = 'en-GB', dir } = {}) {
  const userDataDir = dir || await mkdtemp(join(tmpdir(), 'elicence-chromium-'));
  if (!profiles.includes(userDataDir)) profiles.push(userDataDir);
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
  context.on('request', (r) => requests.push({ url: r.url(), method: r.method(), body: r.postData(), at: Date.now() }));
  context.on('requestfinished', (r) => {
    const req = requests.findLast((q) => q.url === r.url() && q.finished === undefined);
    if (req) req.finished = Date.now();
  });
  const blocked = []; // Content-Security-Policy violations: the page's own code refused
  page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) blocked.push(m.text()); });
  page.on('pageerror', (e) => console.error('page error:', e.message));
  return { context, page, requests, blocked, userDataDir };
}

const REFRESH_OVER = ['fresh', 'done', 'skipped', 'failed'];

// Loads the app and waits until it is ready and idle: bundle refresh over
// (none on a first visit), and the service worker holding the engine files.
// After this, the page has nothing left to fetch.
async function open(page, label) {
  const t0 = Date.now();
  await page.goto(server ? server.url : 'about:blank');
  await page.waitForSelector('html[data-ready]', { timeout: 30_000 });
  const readyMs = Date.now() - t0;
  await settle(page);
  return { t0, readyMs, label };
}
async function settle(page) {
  await page.waitForFunction((over) => over.includes(document.documentElement.dataset.bundleRefresh), REFRESH_OVER, { timeout: 30_000 });
  await page.waitForSelector('html[data-offline-ready="true"]', { timeout: 30_000 });
}

// A cold start as an inspector does it: open the page and tap "scan" as soon
// as the button is enabled; the camera opens while the module and the bundle
// are still arriving. Times run from navigation.
async function scanAtOnce(page, requests, expected, label) {
  const t0 = Date.now();
  await page.goto(server.url, { waitUntil: 'commit' });
  // Polled alongside the verdict: may be seen a few tens of ms after it.
  const ready = page.waitForSelector('html[data-ready]', { timeout: 60_000 }).then(() => Date.now() - t0);
  await page.click('#scan', { timeout: 60_000 });
  const tapMs = Date.now() - t0;
  const got = await verdictOf(page, expected);
  const verdictMs = Date.now() - t0;
  const module = requests.find((r) => r.url.endsWith('_bg.wasm'));
  const moduleMs = module && module.finished ? module.finished - t0 : undefined;
  timings.push({ label, readyMs: await ready, moduleMs, tapMs, verdictMs });
  return got;
}

// The app's own files, as built (precompressed copies are sent for these
// names, never asked for by name).
async function appFiles() {
  const entries = await readdir(WEB, { recursive: true, withFileTypes: true });
  const files = entries.filter((e) => e.isFile() && !/\.(br|gz)$/.test(e.name))
    .map((e) => `/${relative(WEB, join(e.parentPath ?? e.path, e.name))}`);
  return new Set(['/', ...files]);
}

// While the camera opens during a cold start the page may still be fetching
// its own files; none of those requests may carry anything from a licence:
// GETs without a body, to this origin, for the app's files by name (the
// bundle refresh adds only a timestamp).
async function assertOnlyAppFiles(requests, what) {
  const files = await appFiles();
  for (const r of requests) {
    const url = new URL(r.url);
    assert.equal(`${url.origin}/`, server.url, `${what}: request to another origin: ${r.url}`);
    assert.equal(r.method, 'GET', `${what}: ${r.method} ${r.url}`);
    assert.equal(r.body ?? null, null, `${what}: request with a body: ${r.url}`);
    assert.ok(files.has(url.pathname), `${what}: not one of the app's files: ${r.url}`);
    const query = url.pathname === '/bundle.json' ? /^(\?refresh=\d+)?$/ : /^$/;
    assert.match(url.search, query, `${what}: query on ${r.url}`);
  }
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
    const { page, requests, blocked } = await launch(join(FIX, `${name}.y4m`));
    const got = await scanAtOnce(page, requests, EXPECT[name].verdict, `${name} (cold, camera)`);
    assertCase(name, got);
    await assertOnlyAppFiles(requests, 'cold start');
    await page.screenshot({ path: join(OUT, `${name}-1-camera-verdict.png`), fullPage: true });

    // The same licence as a photo, once the page has settled: the result is
    // cleared, then shown again, and nothing at all is requested meanwhile.
    await settle(page);
    const mark2 = requests.length;
    await page.setInputFiles('#photo', join(FIX, `${name}.png`));
    const again = await verdictOf(page, EXPECT[name].verdict);
    assert.deepEqual(requests.slice(mark2), [], 'no request while decoding the photo and verifying');
    assertCase(name, again);
    for (const r of requests) assert.ok(r.url.startsWith(server.url), `request to another origin: ${r.url}`);
    assert.deepEqual(blocked, [], 'the page refused none of its own code');
  });
}

// The boot script in index.html is inline, so the page's policy names its
// hash; a script edited without updating the hash would be refused.
test('the Content-Security-Policy allows the boot script, and only it', async () => {
  const html = await readFile(join(WEB, 'index.html'), 'utf8');
  const inline = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]);
  assert.equal(inline.length, 1, 'one inline script');
  const hash = `'sha256-${createHash('sha256').update(inline[0]).digest('base64')}'`;
  const policy = html.match(/http-equiv="Content-Security-Policy" content="([^"]*)"/)[1];
  const scriptSrc = policy.split(';').map((d) => d.trim()).find((d) => d.startsWith('script-src '));
  assert.equal(scriptSrc, `script-src 'self' 'wasm-unsafe-eval' ${hash}`);
});

// The wasm files a page fetched itself (its worker included), by path.
const wasmFetched = (requests) => requests.map((r) => new URL(r.url).pathname).filter((p) => p.endsWith('.wasm'));

test('without BarcodeDetector the page downloads one module, shared with its decoding worker', async () => {
  const { page, requests, blocked } = await launch(join(FIX, 'valid.y4m'));
  const own = [];
  page.on('request', (r) => own.push({ url: r.url() }));
  await open(page, 'valid (module accounting)');
  // The boot script asks for the module while the page is parsing, before
  // app.js runs (app.js asks for anchor.json first thing).
  const paths = own.map((r) => new URL(r.url).pathname);
  assert.ok(paths.indexOf('/pkg/elicence_inspector_bg.wasm') < paths.indexOf('/anchor.json'), paths.join(' '));
  const mark = requests.length;
  await page.click('#scan');
  assertCase('valid', await verdictOf(page, 'valid'));
  assert.deepEqual(requests.slice(mark), [], 'no request while scanning and verifying');
  assert.deepEqual(wasmFetched(own), ['/pkg/elicence_inspector_bg.wasm']);
  assert.deepEqual(blocked, []);
});

// Android Chrome and Safari 17+ have a native BarcodeDetector; headless
// Chromium on Linux has none. A stand-in BarcodeDetector (this test's: it
// reports the valid licence's payload for any picture with pixels) drives
// the app's native path: only the verifier module is downloaded, and the
// licence verifies as through the wasm decoder.
test('with BarcodeDetector the page downloads only the verifier module', async () => {
  const payloads = JSON.parse(await readFile(join(FIX, 'payloads.json'), 'utf8'));
  const { context, page, requests } = await launch(join(FIX, 'valid.y4m'));
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
  assertCase('valid', await scanAtOnce(page, requests, 'valid', 'valid (cold, native BarcodeDetector)'));
  await assertOnlyAppFiles(requests, 'cold start');
  await settle(page);
  assert.deepEqual(wasmFetched(own), ['/pkg/elicence_verify_bg.wasm']);
  assert.ok(!own.some((r) => r.url.includes('qr-worker')), 'no decoding worker');
  // Settled, a second scan requests nothing at all.
  const mark = requests.length;
  await page.evaluate(() => { document.documentElement.dataset.verdict = ''; });
  await page.click('#again');
  assertCase('valid', await verdictOf(page, 'valid'));
  assert.deepEqual(requests.slice(mark), [], 'no request while scanning and verifying');
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
  // The bundle was downloaded moments ago: no refresh on a first visit.
  assert.equal(await first.page.evaluate(() => document.documentElement.dataset.bundleRefresh), 'fresh');
  await first.page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 30_000 })
    .catch(async () => { await first.page.reload(); await first.page.waitForSelector('html[data-ready]'); });
  await first.page.waitForSelector('html[data-offline-ready="true"]', { timeout: 30_000 });
  // A later online visit opens the stored bundle and refreshes it from the network.
  await first.page.reload();
  await first.page.waitForSelector('html[data-ready]', { timeout: 30_000 });
  await first.page.waitForFunction((over) => over.includes(document.documentElement.dataset.bundleRefresh), REFRESH_OVER, { timeout: 30_000 });
  assert.equal(await first.page.evaluate(() => document.documentElement.dataset.bundleRefresh), 'done');

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

// The figure issue 18 asks about (goal: first verdict within 3 s); printed,
// not asserted: the machine running the tests sets the pace.
test('cold start on a cheap-phone profile: 4x slower CPU, slow 4G (measurement)', async () => {
  const { context, page, requests, blocked } = await launch(join(FIX, 'valid.y4m'));
  const cdp = await context.newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
  await cdp.send('Network.enable');
  // Lighthouse's "slow 4G": 150 ms RTT, 1.6 Mbit/s down, 750 kbit/s up.
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false, latency: 150, downloadThroughput: 1.6e6 / 8, uploadThroughput: 750e3 / 8,
  });
  const label = 'valid (cold, 4x CPU, slow 4G)';
  assertCase('valid', await scanAtOnce(page, requests, 'valid', label));
  await assertOnlyAppFiles(requests, 'cold start');
  assert.deepEqual(blocked, []);
  const t = timings.find((x) => x.label === label);
  console.log(`cheap phone (4x CPU, slow 4G), cold: first verdict ${t.verdictMs} ms `
    + `(module downloaded ${t.moduleMs} ms, verifier ready ${t.readyMs} ms, scan tapped ${t.tapMs} ms)`);
});

// elicence inspector: scan a paper licence's QR code and verify it offline.
//
// Everything runs on this device: the verifier is WebAssembly, the trust
// bundle is cached, and nothing about the licence is ever sent anywhere. The
// only request the page makes after loading is a refresh of bundle.json from
// this same origin, when online and never while a licence is being verified.
// No static import of the wasm glue: which module this phone needs depends on
// whether its browser has a BarcodeDetector (see loadEngine).

const $ = (id) => document.getElementById(id);
const BUNDLE_CACHE = 'elicence-bundle';
const MAX_FRAME_SIDE = 1280; // camera frames handed to the wasm decoder
const MAX_PHOTO_SIDE = 4096; // uploaded photos (12 MP phone photos pass whole)
const SCAN_INTERVAL_MS = 120;

const T = {
  th: {
    title: 'ตรวจใบอนุญาต', scan: 'สแกน QR บนใบอนุญาต', upload: 'เลือกรูปถ่าย', paste: 'วางข้อความ',
    pasteLabel: 'ข้อความจาก QR (LC2:…), vc+jwt, SD-JWT VC หรือ JSON', verify: 'ตรวจสอบ', aim: 'เล็ง QR ให้อยู่ในกรอบ',
    stop: 'หยุดสแกน', allChecks: 'ผลการตรวจทุกข้อ', again: 'ตรวจใบถัดไป',
    privacy: 'ตรวจบนเครื่องนี้เท่านั้น ไม่มีข้อมูลส่งออกจากเครื่อง',
    valid: 'ใช้ได้', invalid: 'ใช้ไม่ได้', 'cannot-decide': 'ยังสรุปไม่ได้',
    validSub: 'ใบอนุญาตนี้ถูกต้องและมีผลอยู่', cannotSub: 'ไม่มีข้อใดผิด แต่ตรวจบางข้อไม่ได้ อย่าถือว่าใช้ได้',
    type: 'ประเภท', number: 'เลขที่ใบอนุญาต', holder: 'ผู้รับใบอนุญาต', juristic: 'เลขทะเบียนนิติบุคคล',
    premises: 'สถานที่ประกอบการ', validity: 'ระยะเวลาที่มีผล', issuer: 'ผู้ออก (ตามทะเบียนหน่วยงาน)',
    issuerClaimed: 'ผู้ออก (ตามที่อ้าง)', to: 'ถึง', notRecognised: 'ไม่อยู่ในทะเบียนหน่วยงานที่เชื่อถือ',
    loading: 'กำลังเตรียมตัวตรวจสอบ…', ready: 'พร้อมตรวจ', noCamera: 'เปิดกล้องไม่ได้: ',
    noQr: 'ไม่พบ QR ในรูปนี้ ลองถ่ายใหม่ให้ชัดและเต็มกรอบ', badImage: 'อ่านรูปไม่ได้: ',
    decoderOffline: 'ตัวอ่าน QR จากรูปยังไม่ถูกเก็บไว้ในเครื่อง ต้องออนไลน์หนึ่งครั้ง',
    noEngine: 'โหลดตัวตรวจสอบไม่ได้ ต้องออนไลน์หนึ่งครั้ง: ',
    bundle: 'ชุดข้อมูลความเชื่อถือ', version: 'รุ่น', issued: 'ออกเมื่อ', expires: 'หมดอายุ',
    snapshot: 'ข้อมูลการเพิกถอนอายุ', stale: 'เก่าเกินไป: ผลการตรวจสถานะจะเป็น "ยังสรุปไม่ได้"',
    bundleExpired: 'ชุดข้อมูลหมดอายุหรือยังไม่มีผล', online: 'ออนไลน์', offline: 'ออฟไลน์',
    days: (n) => `${n} วัน`, hours: (n) => `${n} ชั่วโมง`,
    testData: 'ข้อมูลทดสอบ: ชุดข้อมูลความเชื่อถือนี้ลงนามด้วยกุญแจทดสอบ ใช้ตรวจใบอนุญาตจริงไม่ได้',
    noBundle: 'ไม่มีชุดข้อมูลความเชื่อถือ ต้องออนไลน์หนึ่งครั้งเพื่อดาวน์โหลด',
    updated: 'อัปเดตชุดข้อมูลเป็นรุ่น ',
    caution: 'รายละเอียดด้านล่างเป็นไปตามที่เขียนในใบอนุญาต ยังไม่ได้รับการยืนยัน อย่าใช้อ้างอิง', verifying: 'กำลังตรวจ…', reading: 'กำลังอ่าน QR…',
  },
  en: {
    title: 'Licence inspector', scan: 'Scan the licence QR code', upload: 'Choose a photo', paste: 'Paste text',
    pasteLabel: 'QR text (LC2:…), vc+jwt, SD-JWT VC or JSON', verify: 'Verify', aim: 'Hold the QR code inside the frame',
    stop: 'Stop scanning', allChecks: 'Every check', again: 'Check the next licence',
    privacy: 'Checked on this device only; nothing leaves it',
    valid: 'VALID', invalid: 'INVALID', 'cannot-decide': 'CANNOT DECIDE',
    validSub: 'This licence is genuine and in force', cannotSub: 'Nothing failed, but some checks could not run. Do not treat it as valid.',
    type: 'Type', number: 'Licence number', holder: 'Licensee', juristic: 'Juristic person ID',
    premises: 'Premises', validity: 'Valid', issuer: 'Issuer (from the trust list)',
    issuerClaimed: 'Issuer (as claimed)', to: 'to', notRecognised: 'not on the trust list',
    loading: 'Preparing the verifier…', ready: 'Ready', noCamera: 'Cannot open the camera: ',
    noQr: 'No QR code found in this picture. Try again, sharp and filling the frame.', badImage: 'Cannot read the picture: ',
    decoderOffline: 'The photo QR reader is not stored on this device yet; go online once.',
    noEngine: 'Cannot load the verifier; go online once: ',
    bundle: 'Trust bundle', version: 'version', issued: 'issued', expires: 'expires',
    snapshot: 'revocation data age', stale: 'too old: status checks will say "cannot decide"',
    bundleExpired: 'the trust bundle is expired or not yet in force', online: 'online', offline: 'offline',
    days: (n) => `${n} day${n === 1 ? '' : 's'}`, hours: (n) => `${n} hour${n === 1 ? '' : 's'}`,
    testData: 'TEST DATA: this trust bundle is signed with a test key. It cannot verify real licences.',
    noBundle: 'No trust bundle on this device; go online once to download it.',
    updated: 'Trust bundle updated to version ',
    caution: 'The details below are as written on the licence, not confirmed. Do not rely on them.', verifying: 'Verifying…', reading: 'Reading the QR code…',
  },
};

const TH_MONTHS = ['มกราคม', 'กุมภาพันธ์', 'มีนาคม', 'เมษายน', 'พฤษภาคม', 'มิถุนายน', 'กรกฎาคม',
  'สิงหาคม', 'กันยายน', 'ตุลาคม', 'พฤศจิกายน', 'ธันวาคม'];
const EN_MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August',
  'September', 'October', 'November', 'December'];

const state = {
  lang: localStorage.getItem('lang') || ((navigator.language || 'th').toLowerCase().startsWith('th') ? 'th' : 'en'),
  inspector: null, anchor: null, summary: null,
  stream: null, scanning: false, busy: false, last: null,
  detector: undefined, decoder: null, refresh: null,
  engine: null, inspectorModule: null, // the wasm glue in use; the compiled inspector module
  ready: null, bundleJustDownloaded: false, // startup (prepare()); first visit: no refresh needed
  bundleStored: null, // first visit: the downloaded bundle being put in Cache Storage
  engineFiles: null, sdJwtInspector: null, // the module's files; the verifier module for SD-JWT VCs
};

const t = (key) => T[state.lang][key];
const pick = (text) => (text && typeof text === 'object') ? (text[state.lang] || text.th || text.en || '') : (text || '');

// ---------- dates: licences are Thai, so Bangkok time (UTC+7, no DST) ----------
function bangkokDate(iso) {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return null;
  const d = new Date(ms + 7 * 3600 * 1000);
  return { day: d.getUTCDate(), month: d.getUTCMonth(), year: d.getUTCFullYear() };
}
function formatDate(iso) {
  const d = bangkokDate(iso);
  if (!d) return iso || '';
  const be = `${d.day} ${TH_MONTHS[d.month]} พ.ศ. ${d.year + 543}`;
  const ce = `${d.day} ${EN_MONTHS[d.month]} ${d.year}`;
  return state.lang === 'th' ? `${be} (ค.ศ. ${d.year})` : `${ce} (B.E. ${d.year + 543})`;
}
function formatAge(seconds) {
  const days = Math.floor(seconds / 86400);
  return days >= 1 ? t('days')(days) : t('hours')(Math.max(0, Math.floor(seconds / 3600)));
}

// ---------- trust bundle ----------
async function cachedBundle() {
  if (!('caches' in self)) return null;
  const cache = await caches.open(BUNDLE_CACHE);
  const hit = await cache.match('bundle.json');
  return hit ? new Uint8Array(await hit.arrayBuffer()) : null;
}
async function storeBundle(bytes) {
  if (!('caches' in self)) return;
  const cache = await caches.open(BUNDLE_CACHE);
  await cache.put('bundle.json', new Response(bytes, { headers: { 'content-type': 'application/json' } }));
}
function highestVersion() {
  return Number(localStorage.getItem('bundleVersion') || '0');
}
function openBundle(bytes) {
  const inspector = state.engine.open_bundle(bytes, state.anchor.rootDid, highestVersion());
  localStorage.setItem('bundleVersion', String(Math.max(highestVersion(), inspector.version)));
  return inspector;
}
// The stored bundle, else this origin's (first visit); started at once, in
// parallel with the module, and opened when the verifier has arrived.
async function bundleBytes() {
  const cached = await cachedBundle();
  if (cached) return { bytes: cached, downloaded: false };
  const res = await fetch('bundle.json', { cache: 'no-cache' });
  if (!res.ok) throw new Error(`bundle.json: HTTP ${res.status}`);
  return { bytes: new Uint8Array(await res.arrayBuffer()), downloaded: true };
}
async function loadBundle(pending) {
  const { bytes, downloaded } = await pending;
  const inspector = openBundle(bytes);
  if (downloaded) {
    // Only a bundle that opens is stored; the first verdict does not wait for it.
    state.bundleStored = storeBundle(bytes).catch(() => {});
    state.bundleJustDownloaded = true;
  }
  return inspector;
}

// Fetches bundle.json from this origin when online and idle; a newer bundle
// that opens (root signature, version not lower) replaces the stored one.
// Aborted as soon as a verification starts.
async function refreshBundle() {
  const root = document.documentElement;
  if (state.bundleJustDownloaded) {
    // First visit: the bundle came from the network moments ago; asking
    // again would only spend a slow connection's bytes on the same file.
    state.bundleJustDownloaded = false;
    root.dataset.bundleRefresh = 'fresh';
    return;
  }
  if (!navigator.onLine || state.busy || state.refresh) {
    root.dataset.bundleRefresh = 'skipped';
    return;
  }
  const controller = new AbortController();
  state.refresh = controller;
  root.dataset.bundleRefresh = 'running';
  try {
    const res = await fetch(`bundle.json?refresh=${Date.now()}`, { cache: 'no-store', signal: controller.signal });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    const bytes = new Uint8Array(await res.arrayBuffer());
    if (controller.signal.aborted) throw new Error('aborted');
    const fresh = openBundle(bytes);
    if (!state.inspector || fresh.version >= state.inspector.version) {
      const upgraded = state.inspector && fresh.version > state.inspector.version;
      if (state.inspector) state.inspector.free();
      state.inspector = fresh;
      await storeBundle(bytes);
      if (upgraded) setStatus(t('updated') + fresh.version);
    } else {
      fresh.free();
    }
    root.dataset.bundleRefresh = 'done';
  } catch (e) {
    root.dataset.bundleRefresh = controller.signal.aborted ? 'aborted' : 'failed';
  } finally {
    state.refresh = null;
    renderBundle();
  }
}
function stopRefresh() {
  if (state.refresh) state.refresh.abort();
}

function renderBundle() {
  const el = $('bundle');
  if (!state.inspector) { el.textContent = t('noBundle'); el.className = 'bundle warn'; return; }
  const s = JSON.parse(state.inspector.summary(Date.now()));
  state.summary = s;
  const stale = s.statusLists.some((l) => !l.fresh);
  const parts = [`${t('bundle')} ${t('version')} ${s.version}`, `${t('issued')} ${formatDate(s.validFrom)}`];
  if (s.oldestSnapshotAgeSeconds != null) {
    parts.push(`${t('snapshot')} ${formatAge(s.oldestSnapshotAgeSeconds)}${stale ? ` (${t('stale')})` : ''}`);
  }
  if (!s.inForce) parts.push(t('bundleExpired'));
  el.textContent = parts.join(' · ');
  el.className = (stale || !s.inForce) ? 'bundle warn' : 'bundle';
  const testData = s.sampleData || (state.anchor && state.anchor.testData);
  const banner = $('testdata');
  banner.hidden = !testData;
  banner.textContent = testData ? t('testData') : '';
}

// ---------- verification (pure, offline) ----------
function verifyBytes(bytes, inspector = state.inspector) {
  if (!inspector) { setStatus(t('noBundle'), true); return; }
  stopRefresh();
  state.busy = true;
  try {
    const out = JSON.parse(inspector.verify(bytes, Date.now()));
    state.last = out;
    renderResult(out);
  } catch (e) {
    // Only a clock the verifier cannot use gets here; say so rather than guess.
    setStatus(String(e && e.message ? e.message : e), true);
  } finally {
    state.busy = false;
  }
}
// An SD-JWT VC (wallet licence, docs/sd-jwt.md): `<JWT>~<Disclosure>~…`.
function looksLikeSdJwt(text) {
  return !/\s/.test(text) && text.includes('~') && text.split('~')[0].split('.').length === 3;
}
// A code read (or text pasted) before the verifier and the bundle are ready
// waits for them: the camera opens while the module is still downloading.
async function verifyText(text) {
  const trimmed = text.trim();
  const bytes = new TextEncoder().encode(trimmed);
  if (!state.inspector) {
    setStatus(t('loading'));
    if (!(await state.ready)) return; // startup has said why
    setStatus('');
  }
  // The QR module (browsers without BarcodeDetector) leaves SD-JWT VCs out to
  // stay within its size budget; the verifier module reads them, so it is
  // loaded, with the same trust bundle, the first time one comes.
  if (looksLikeSdJwt(trimmed) && state.engineFiles !== VERIFY_FILES) {
    try {
      verifyBytes(bytes, await sdJwtInspector());
    } catch (e) {
      setStatus(t('noEngine') + (e && e.message ? e.message : e), true);
    }
    return;
  }
  verifyBytes(bytes);
}
function sdJwtInspector() {
  if (!state.sdJwtInspector) {
    state.sdJwtInspector = (async () => {
      const glue = await import('./pkg/elicence_verify.js');
      await glue.default();
      const bytes = (await cachedBundle())
        || new Uint8Array(await (await fetch('bundle.json', { cache: 'no-cache' })).arrayBuffer());
      const inspector = glue.open_bundle(bytes, state.anchor.rootDid, highestVersion());
      keepForOffline(VERIFY_FILES);
      return inspector;
    })();
    state.sdJwtInspector.catch(() => { state.sdJwtInspector = null; });
  }
  return state.sdJwtInspector;
}

// ---------- QR decoding: BarcodeDetector when the browser has one, else wasm in a worker ----------
async function nativeDetector() {
  if (state.detector !== undefined) return state.detector;
  state.detector = null;
  try {
    if ('BarcodeDetector' in self) {
      const formats = await self.BarcodeDetector.getSupportedFormats();
      if (formats.includes('qr_code')) state.detector = new self.BarcodeDetector({ formats: ['qr_code'] });
    }
  } catch (_) { state.detector = null; }
  return state.detector;
}

// ---------- the wasm engine: one module per phone ----------
// A browser with a native BarcodeDetector needs only the verifier
// (elicence_verify). Any other gets elicence_inspector: verifier and QR
// decoder in one module (smaller than the two apart), downloaded and compiled
// once, then shared with the decoding worker. The boot script in index.html
// starts that download before this file has even arrived (self.elicenceBoot).
const VERIFY_FILES = ['pkg/elicence_verify.js', 'pkg/elicence_verify_bg.wasm'];
const INSPECTOR_FILES = ['pkg/elicence_inspector.js', 'pkg/elicence_inspector_bg.wasm', 'qr-worker.js'];

function inspectorModule() {
  if (!state.inspectorModule) {
    state.inspectorModule = (async () => {
      const boot = await booted();
      if (boot && !boot.native) return boot.module;
      const res = await fetch(INSPECTOR_FILES[1]);
      if (!res.ok) throw new Error(`${INSPECTOR_FILES[1]}: HTTP ${res.status}`);
      // Streaming compilation needs the right media type; any server works without it.
      const streaming = WebAssembly.compileStreaming
        && (res.headers.get('content-type') || '').startsWith('application/wasm');
      return streaming ? WebAssembly.compileStreaming(res) : WebAssembly.compile(await res.arrayBuffer());
    })();
    state.inspectorModule.catch(() => { state.inspectorModule = null; });
  }
  return state.inspectorModule;
}

// What the boot script started: { native, module }, the module being
// elicence_verify when native, else elicence_inspector. Null when it failed
// or is missing (an edited page): then this file fetches the module itself.
const booted = () => (self.elicenceBoot ? self.elicenceBoot.catch(() => null) : Promise.resolve(null));

// Instantiates the module this browser needs; returns the files to keep for offline use.
async function loadEngine(native) {
  if (native) {
    const [glue, boot] = await Promise.all([import('./pkg/elicence_verify.js'), booted()]);
    await glue.default(boot && boot.native ? { module_or_path: boot.module } : undefined);
    state.engine = glue;
    return VERIFY_FILES;
  }
  const [glue, module] = await Promise.all([import('./pkg/elicence_inspector.js'), inspectorModule()]);
  await glue.default({ module_or_path: module });
  state.engine = glue;
  return INSPECTOR_FILES;
}

// The wasm decoder (rxing) runs in a worker so the camera preview stays
// smooth; it gets the compiled inspector module, loaded only when needed (a
// browser with BarcodeDetector loads it only if its detector misses a photo).
function wasmDecoder() {
  if (state.decoder) return state.decoder;
  const worker = new Worker(new URL('./qr-worker.js', import.meta.url), { type: 'module' });
  let next = 0;
  const pending = new Map();
  const ready = new Promise((resolve, reject) => {
    worker.addEventListener('message', function first(e) {
      if (e.data && e.data.ready !== undefined) {
        worker.removeEventListener('message', first);
        if (e.data.ready) resolve(); else reject(new Error(e.data.error || 'decoder failed to load'));
      }
    });
    worker.addEventListener('error', () => reject(new Error('decoder failed to load')));
    inspectorModule().then((module) => worker.postMessage({ type: 'module', module }), reject);
  });
  worker.addEventListener('message', (e) => {
    const job = pending.get(e.data && e.data.id);
    if (!job) return;
    pending.delete(e.data.id);
    if (e.data.error) job.reject(new Error(e.data.error)); else job.resolve(e.data.payloads);
  });
  state.decoder = {
    ready,
    failure: null, // why the decoder cannot load, once known
    // pixels: { width, height, rgba } from canvasPixels; the buffer moves to
    // the worker, which decodes it as soon as it has the module.
    decode(pixels) {
      if (state.decoder.failure) return Promise.reject(state.decoder.failure);
      const id = ++next;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        worker.postMessage({ type: 'decode', id, ...pixels }, [pixels.rgba.buffer]);
      });
    },
  };
  ready.catch((e) => { // frames waiting for a module that will not come
    state.decoder.failure = e;
    for (const job of pending.values()) job.reject(e);
    pending.clear();
  });
  return state.decoder;
}

function frameToCanvas(source, width, height, maxSide) {
  const scale = Math.min(1, maxSide / Math.max(width, height));
  const canvas = $('canvas');
  canvas.width = Math.round(width * scale);
  canvas.height = Math.round(height * scale);
  // Read back every frame: keep the canvas in CPU memory.
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  // Transparent parts of a picture are paper, not black ink.
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.drawImage(source, 0, 0, canvas.width, canvas.height);
  return canvas;
}
// The wasm decoder takes pixels, not image files: the browser decodes them.
function canvasPixels(canvas) {
  const image = canvas.getContext('2d', { willReadFrequently: true }).getImageData(0, 0, canvas.width, canvas.height);
  return { width: image.width, height: image.height, rgba: image.data };
}
function choosePayload(payloads) {
  // An elicence payload of any format version (LC2 now, LC1 on older prints).
  return payloads.find((p) => /^LC\d{1,4}:/.test(p)) || payloads[0] || null;
}

// ---------- camera ----------
async function startCamera() {
  hideResult();
  setStatus('');
  try {
    state.stream = await navigator.mediaDevices.getUserMedia({
      audio: false,
      video: { facingMode: { ideal: 'environment' }, width: { ideal: 1280 }, height: { ideal: 720 } },
    });
  } catch (e) {
    setStatus(t('noCamera') + (e && e.message ? e.message : e), true);
    return;
  }
  const video = $('video');
  video.srcObject = state.stream;
  $('start').hidden = true;
  $('camera').hidden = false;
  $('camera-status').textContent = state.inspector ? '' : t('loading');
  await video.play().catch(() => {});
  state.scanning = true;
  const detector = await nativeDetector();
  const decoder = detector ? null : wasmDecoder();
  // The camera may open before the module has arrived: the inspector aims
  // meanwhile, and the first frame waits in the worker for the module.
  while (state.scanning) {
    if (decoder && decoder.failure) {
      stopCamera();
      setStatus(t('noEngine') + (decoder.failure.message || decoder.failure), true);
      return;
    }
    const started = performance.now();
    let payload = null;
    try {
      if (video.readyState >= 2 && video.videoWidth > 0) {
        if (detector) {
          const codes = await detector.detect(video);
          payload = choosePayload(codes.map((c) => c.rawValue));
        } else {
          const canvas = frameToCanvas(video, video.videoWidth, video.videoHeight, MAX_FRAME_SIDE);
          payload = choosePayload(await decoder.decode(canvasPixels(canvas)));
        }
      }
    } catch (e) {
      // A frame that cannot be read is not an error worth showing; try the next.
    }
    if (payload && state.scanning) {
      stopCamera();
      if (navigator.vibrate) navigator.vibrate(60);
      verifyText(payload);
      return;
    }
    const wait = SCAN_INTERVAL_MS - (performance.now() - started);
    await new Promise((r) => setTimeout(r, Math.max(0, wait)));
  }
}
function stopCamera() {
  state.scanning = false;
  if (state.stream) state.stream.getTracks().forEach((track) => track.stop());
  state.stream = null;
  $('video').srcObject = null;
  $('camera').hidden = true;
  $('start').hidden = false;
}

// ---------- photo upload ----------
async function verifyPhoto(file) {
  hideResult();
  setStatus(t('reading'));
  try {
    let payload = null;
    const detector = await nativeDetector();
    if (detector) {
      const bitmap = await createImageBitmap(file);
      payload = choosePayload((await detector.detect(bitmap)).map((c) => c.rawValue));
      bitmap.close();
    }
    if (!payload) {
      const decoder = wasmDecoder();
      // Any format the browser reads (JPEG, PNG, HEIC, WebP…), EXIF rotation applied.
      const bitmap = await createImageBitmap(file);
      const pixels = canvasPixels(frameToCanvas(bitmap, bitmap.width, bitmap.height, MAX_PHOTO_SIDE));
      bitmap.close();
      payload = choosePayload(await decoder.decode(pixels));
    }
    if (!payload) { setStatus(t('noQr'), true); return; }
    setStatus('');
    verifyText(payload);
  } catch (e) {
    setStatus(navigator.onLine ? t('badImage') + (e && e.message ? e.message : e) : t('decoderOffline'), true);
  } finally {
    $('photo').value = '';
  }
}

// ---------- rendering ----------
function setStatus(text, isError = false) {
  const el = $('status');
  el.textContent = text;
  el.classList.toggle('error', isError);
}
function hideResult() {
  $('result').hidden = true;
  document.documentElement.dataset.verdict = '';
}

const ICON = { valid: '✓', invalid: '✕', 'cannot-decide': '?' };
const OUTCOME_ICON = { pass: '✓', fail: '✕', warning: '!', 'not-run': '?', skipped: '–' };

function renderResult(out) {
  const report = out.report;
  const verdict = report.verdict;
  const box = $('verdict');
  box.className = `verdict ${verdict}`;
  $('verdict-icon').textContent = ICON[verdict] || '?';
  $('verdict-word').textContent = t(verdict);
  let reason = '';
  if (verdict === 'valid') reason = t('validSub');
  else {
    const wanted = verdict === 'invalid' ? 'fail' : 'not-run';
    const first = report.checks.find((c) => c.outcome === wanted);
    reason = first ? pick(first.reason) : '';
    if (verdict === 'cannot-decide') reason = `${reason} ${t('cannotSub')}`.trim();
  }
  $('verdict-reason').textContent = reason;
  renderDetails(out);
  const list = $('checks');
  list.replaceChildren();
  for (const c of report.checks) {
    const li = document.createElement('li');
    li.className = c.outcome;
    li.dataset.code = c.code;
    const icon = document.createElement('span');
    icon.className = 'oc';
    icon.textContent = OUTCOME_ICON[c.outcome] || '?';
    const text = document.createElement('span');
    text.textContent = pick(c.reason);
    li.append(icon, text);
    list.append(li);
  }
  $('result').hidden = false;
  document.documentElement.dataset.verdict = verdict;
  window.scrollTo({ top: 0 });
}

function renderDetails(out) {
  const dl = $('details');
  dl.replaceChildren();
  const cred = out.report.credential; // present only when the signature verified
  const row = (key, value, cls) => {
    if (!value) return;
    const dt = document.createElement('dt');
    dt.textContent = t(key);
    const dd = document.createElement('dd');
    dd.textContent = value;
    dd.dataset.field = key;
    if (cls) dd.className = cls;
    dl.append(dt, dd);
  };
  // Details of a licence whose origin is not established (bad or unknown
  // signer, key not in force, agency not authorised) are only a claim.
  const origin = ['proof', 'issuer-key', 'issuer-trusted', 'key-window', 'issuer-authorised'];
  const unconfirmed = out.report.checks.some((c) => origin.includes(c.code) && c.outcome !== 'pass');
  $('caution').hidden = !cred || !unconfirmed;
  if (!cred) { dl.hidden = true; return; }
  dl.hidden = false;
  // A W3C licence keeps its fields in credentialSubject; an SD-JWT VC at the
  // top level, only those the holder disclosed, with NumericDate validity.
  const sdJwt = typeof cred.vct === 'string';
  const s = sdJwt ? cred : (cred.credentialSubject || {});
  let type = out.licenceType ? pick(out.licenceType.name) : pick(s.licenceType && s.licenceType.title);
  const short = out.licenceType && out.licenceType.shortName;
  if (short && !type.includes(short)) type += ` (${short})`;
  row('type', type);
  row('number', s.licenceNumber);
  const licensee = s.licensee || {};
  row('holder', pick(licensee.legalName));
  row('juristic', licensee.juristicPersonId);
  row('premises', pick(s.premises && s.premises.address));
  const seconds = (n) => (typeof n === 'number' ? new Date(n * 1000).toISOString() : undefined);
  const from = sdJwt ? seconds(cred.nbf) : (cred.validFrom || cred.issuanceDate);
  const until = sdJwt ? seconds(cred.exp) : (cred.validUntil || cred.expirationDate);
  if (from || until) row('validity', `${formatDate(from)} ${t('to')} ${until ? formatDate(until) : '—'}`);
  const issuer = out.report.issuer_name ? pick(out.report.issuer_name) : `${out.report.issuer || ''} (${t('notRecognised')})`;
  row(out.report.issuer_name ? 'issuer' : 'issuerClaimed', issuer, out.report.issuer_name ? '' : 'bad');
}

function applyLanguage() {
  document.documentElement.lang = state.lang;
  for (const el of document.querySelectorAll('[data-t]')) el.textContent = t(el.dataset.t);
  $('lang').textContent = state.lang === 'th' ? 'EN' : 'ไทย';
  document.title = `${t('title')} · elicence`;
  renderNet();
  if ($('camera-status').textContent) $('camera-status').textContent = t('loading');
  if (state.inspector) renderBundle();
  if (state.last && !$('result').hidden) renderResult(state.last);
}
function renderNet() {
  const el = $('net');
  el.textContent = navigator.onLine ? t('online') : t('offline');
  el.className = navigator.onLine ? 'net on' : 'net off';
}

// ---------- start ----------
async function main() {
  applyLanguage();
  setStatus(t('loading'));
  $('lang').addEventListener('click', () => {
    state.lang = state.lang === 'th' ? 'en' : 'th';
    localStorage.setItem('lang', state.lang);
    applyLanguage();
  });
  $('scan').addEventListener('click', startCamera);
  $('stop').addEventListener('click', stopCamera);
  $('again').addEventListener('click', () => { hideResult(); startCamera(); });
  $('photo').addEventListener('change', (e) => { if (e.target.files[0]) verifyPhoto(e.target.files[0]); });
  $('pastebtn').addEventListener('click', () => { $('pasteform').hidden = !$('pasteform').hidden; $('pastetext').focus(); });
  $('pasteform').addEventListener('submit', (e) => { e.preventDefault(); hideResult(); verifyText($('pastetext').value); });
  addEventListener('online', () => { renderNet(); refreshBundle(); });
  addEventListener('offline', renderNet);

  if ('serviceWorker' in navigator) {
    navigator.serviceWorker.addEventListener('message', (e) => {
      if (e.data && e.data.type === 'kept') document.documentElement.dataset.offlineReady = String(e.data.ok);
    });
  }
  state.ready = prepare();
  // The camera may open at once: the module and the bundle keep arriving
  // while the inspector aims, and the first code read waits for them.
  $('scan').disabled = false;
}

// Everything a verdict needs, in parallel (each round trip counts on a slow
// network): the module (its download started by the boot script in
// index.html), the trust anchor, the bundle and, without a native detector,
// the decoding worker, which is handed the page's compiled module rather than
// fetching its own. Resolves to whether the verifier is ready; never rejects.
async function prepare() {
  const started = performance.now();
  const anchor = fetch('anchor.json').then((res) => res.json());
  const bundle = bundleBytes();
  anchor.catch(() => { /* reported below */ });
  bundle.catch(() => { /* reported below */ });
  const native = (await nativeDetector()) !== null;
  const decoderReady = native ? null : wasmDecoder().ready.catch(() => { /* reported by the camera and the upload */ });
  let engineFiles;
  try {
    engineFiles = await loadEngine(native);
    state.engineFiles = engineFiles;
    state.anchor = await anchor;
  } catch (e) {
    startupFailed(t('noEngine') + (e && e.message ? e.message : e));
    return false;
  }
  try {
    state.inspector = await loadBundle(bundle);
  } catch (e) {
    state.inspector = null;
  }
  renderBundle();
  if (!state.inspector) { startupFailed(t('noBundle')); return false; }
  if (decoderReady) await decoderReady;
  if (!$('status').classList.contains('error')) setStatus(t('ready'));
  $('camera-status').textContent = '';
  document.documentElement.dataset.ready = String(Math.round(performance.now() - started));
  refreshBundle();
  // Only now: the service worker's install fetches the app shell again, which
  // on a slow network would have competed with the module.
  if ('serviceWorker' in navigator) {
    navigator.serviceWorker.register('sw.js').catch(() => {});
    keepForOffline(engineFiles);
  }
  return true;
}

function startupFailed(message) {
  if (state.scanning) stopCamera();
  $('scan').disabled = true;
  setStatus(message, true);
}

// Once the service worker runs, make sure the wasm module this browser uses
// (and, without BarcodeDetector, the decoding worker) is cached with the shell.
async function keepForOffline(files) {
  await state.bundleStored; // "kept" covers the bundle too
  const reg = await navigator.serviceWorker.ready;
  if (reg.active) reg.active.postMessage({ type: 'keep', files });
}
main();

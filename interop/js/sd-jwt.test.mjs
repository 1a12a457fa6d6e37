// Interop of elicence's SD-JWT VC licences and Token Status Lists with an
// independent implementation, the OpenWallet Foundation's sd-jwt-js
// (@sd-jwt/sd-jwt-vc, @sd-jwt/jwt-status-list), pinned by package-lock.json.
//
// 1. sd-jwt-js verifies licences elicence issued (ES256 and EdDSA), as issued,
//    presented with a Key Binding JWT, and presented without one; refuses an
//    altered payload and never reads a forged Disclosure.
// 2. sd-jwt-js reads elicence's Token Status List.
// 3. sd-jwt-js issues and presents a licence; `elicence verify` accepts it
//    against the trust bundle fixture.
//
// Inputs come from `cargo run -p elicence-sd-jwt --example interop_fixtures`;
// run by scripts/test.sh (`npm ci && node --test` in this folder).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createPublicKey, verify as nodeVerify } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { SDJwtVcInstance } from '@sd-jwt/sd-jwt-vc';
import { getListFromStatusListJWT } from '@sd-jwt/jwt-status-list';
import { Jwt } from '@sd-jwt/core';
import { ES256, digest, generateSalt } from '@sd-jwt/crypto-nodejs';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const targetDir = process.env.CARGO_TARGET_DIR || join(repo, 'target');
const dir = mkdtempSync(join(tmpdir(), 'elicence-sd-jwt-js-'));
// The fixtures and the credentials exchanged live here, removed after the run.
after(() => rmSync(dir, { recursive: true, force: true }));
let m; // the fixtures' manifest
let elicence; // the CLI binary

function cargo(args) {
  const r = spawnSync('cargo', ['--quiet', ...args], { cwd: repo, encoding: 'utf8' });
  assert.equal(r.status, 0, `cargo ${args.join(' ')}: ${r.stderr}`);
}

before(() => {
  cargo(['run', '--locked', '-p', 'elicence-sd-jwt', '--example', 'interop_fixtures', '--', dir]);
  cargo(['build', '--locked', '-p', 'elicence']);
  elicence = join(targetDir, 'debug', 'elicence');
  m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
});

const fixture = (name) => readFileSync(join(dir, name), 'utf8').trim();
const b64url = (s) => Buffer.from(s, 'base64url');

async function eddsaVerifier(jwk) {
  const key = createPublicKey({ key: jwk, format: 'jwk' });
  return (data, sig) => nodeVerify(null, Buffer.from(data), key, b64url(sig));
}

async function instance(alg) {
  const issuerJwk = alg === 'ES256' ? m.bangrak.jwk : m.diw.jwk;
  const verifier = alg === 'ES256' ? await ES256.getVerifier(issuerJwk) : await eddsaVerifier(issuerJwk);
  return new SDJwtVcInstance({
    hasher: digest,
    verifier,
    // The KB-JWT is checked with the holder key the licence is bound to.
    kbVerifier: async (data, sig, payload) => (await ES256.getVerifier(payload.cnf.jwk))(data, sig),
    statusListFetcher: async () => fixture('status-list.jwt'),
    statusVerifier: await ES256.getVerifier(m.bangrak.jwk),
  });
}

for (const [name, alg] of [['es256', 'ES256'], ['eddsa', 'EdDSA']]) {
  test(`sd-jwt-js verifies an elicence ${alg} licence as issued`, async () => {
    const sd = await instance(alg);
    const { payload, header } = await sd.verify(fixture(`${name}.sd-jwt`), { currentDate: m.now });
    assert.equal(header.typ, 'dc+sd-jwt');
    assert.equal(header.alg, alg);
    assert.match(payload.vct, /^https:\/\/w3id\.org\/elicence\/vct\/(food-sale|factory-op)$/);
    assert.equal(payload.licensee.juristicPersonId, '0105536112014');
    assert.equal(payload.licensee.legalName.th, 'บริษัท ผลิตภัณฑ์อาหารไทย จำกัด');
    assert.equal(payload.licenceNumber, 'ข-12345/2565');
    assert.deepEqual(payload.permittedActivities, [
      'ผลิตอาหารสำเร็จรูปบรรจุภาชนะปิดสนิท',
      'เก็บรักษาวัตถุดิบทางการเกษตร',
    ]);
    assert.equal(payload.conditions.length, 2);
    assert.deepEqual(payload.cnf.jwk, m.holderJwk);
    assert.equal(payload.status.status_list.idx, 3);
  });

  test(`sd-jwt-js verifies an elicence ${alg} presentation with a Key Binding JWT`, async () => {
    const sd = await instance(alg);
    const { payload, kb } = await sd.verify(fixture(`${name}-kb.sd-jwt`), {
      currentDate: m.now,
      keyBindingNonce: m.nonce,
    });
    assert.equal(kb.payload.nonce, m.nonce);
    assert.equal(kb.payload.aud, m.aud);
    assert.equal(kb.header.typ, 'kb+jwt');
    assert.equal(payload.licensee.juristicPersonId, '0105536112014');
    assert.equal(payload.licensee.legalName, undefined, 'withheld');
    assert.equal(payload.licenceNumber, undefined, 'withheld');
    assert.deepEqual(payload.permittedActivities, ['เก็บรักษาวัตถุดิบทางการเกษตร']);
  });

  test(`sd-jwt-js verifies an elicence ${alg} presentation without a Key Binding JWT, and demands one when asked`, async () => {
    const sd = await instance(alg);
    const bare = fixture(`${name}-bare.sd-jwt`);
    const { payload } = await sd.verify(bare, { currentDate: m.now });
    assert.equal(payload.licensee.juristicPersonId, '0105536112014');
    await assert.rejects(sd.verify(bare, { currentDate: m.now, keyBindingNonce: m.nonce }));
  });
}

test('a forged Disclosure never changes what sd-jwt-js reads', async () => {
  const sd = await instance('ES256');
  const [jwt, ...rest] = fixture('es256.sd-jwt').split('~');
  // A Disclosure the issuer never signed a digest for. RFC 9901 §7.1 says to
  // reject the SD-JWT (elicence does: UnusedDisclosure); sd-jwt-js 0.19
  // ignores it instead (docs/interop.md). Either way its value is not read.
  const forged = Buffer.from(JSON.stringify(['c2FsdA', 'licenceNumber', 'ข-99999/2565'])).toString('base64url');
  const { payload } = await sd.verify([jwt, forged, ...rest].join('~'), { currentDate: m.now });
  assert.equal(payload.licenceNumber, 'ข-12345/2565');
  // A changed signed payload is refused.
  const [h, p, s] = jwt.split('.');
  const claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8'));
  claims.vct = `${m.vctBase}/vct/factory-op`;
  const altered = [h, Buffer.from(JSON.stringify(claims)).toString('base64url'), s].join('.');
  await assert.rejects(sd.verify([altered, ...rest].join('~'), { currentDate: m.now }));
  // A licence elicence issued, and not altered, is accepted (the refusal above is the change's).
  await sd.verify(fixture('es256.sd-jwt'), { currentDate: m.now });
});

test('@sd-jwt/jwt-status-list reads an elicence Token Status List', async () => {
  const token = fixture('status-list.jwt');
  const jwt = Jwt.fromEncode(token);
  assert.equal(jwt.header.typ, 'statuslist+jwt');
  assert.equal(jwt.payload.sub, m.statusList.uri);
  await jwt.verify(await ES256.getVerifier(m.bangrak.jwk), { currentDate: m.now });
  const list = getListFromStatusListJWT(token);
  assert.equal(list.getBitsPerStatus(), m.statusList.bits);
  for (const [index, status] of Object.entries(m.statusList.expect)) {
    assert.equal(list.getStatus(Number(index)), status, `index ${index}`);
  }
});

function elicenceVerify(file, extra = []) {
  const r = spawnSync(
    elicence,
    ['verify', file, '--bundle', join(repo, 'test-vectors/trust/bundle.json'), '--root', m.root,
      '--now', new Date((m.now + 60) * 1000).toISOString().replace('.000Z', 'Z'), '--json', ...extra],
    { encoding: 'utf8' },
  );
  assert.ok(r.stdout, r.stderr);
  return { code: r.status, report: JSON.parse(r.stdout) };
}

test('elicence verifies a licence sd-jwt-js issued and presented', async () => {
  const sd = new SDJwtVcInstance({
    hasher: digest,
    saltGenerator: generateSalt,
    signer: await ES256.getSigner(m.bangrak.privateJwk),
    signAlg: 'ES256',
    kbSigner: await ES256.getSigner(m.holderPrivateJwk),
    kbSignAlg: 'ES256',
  });
  const licence = JSON.parse(readFileSync(join(repo, 'examples/licence.json'), 'utf8'));
  const payload = {
    iss: m.bangrak.iss,
    iat: m.now - 3600,
    nbf: Math.floor(Date.parse(licence.validFrom) / 1000),
    exp: Math.floor(Date.parse(licence.validUntil) / 1000),
    vct: `${m.vctBase}/vct/food-sale`,
    cnf: { jwk: m.holderJwk },
    licenceIri: `${licence.issuer.baseUrl}/licences/food-sale/${licence.licenceNumber.replace('/', '~')}`,
    licenceNumber: licence.licenceNumber,
    licensee: { juristicPersonId: licence.licensee.juristicPersonId, legalName: licence.licensee.name },
    premises: { address: licence.premises.address },
    permittedActivities: licence.permittedActivities,
    conditions: licence.conditions,
  };
  const frame = {
    _sd: ['licenceIri', 'licenceNumber'],
    licensee: { _sd: ['juristicPersonId', 'legalName'] },
    premises: { _sd: ['address'] },
    permittedActivities: { _sd: [0, 1] },
    conditions: { _sd: [0] },
  };
  const issued = await sd.issue(payload, frame, { header: { kid: m.bangrak.kid } });
  const presented = await sd.present(
    issued,
    { licensee: { juristicPersonId: true } },
    { kb: { payload: { iat: m.now, aud: m.aud, nonce: m.nonce } } },
  );
  writeFileSync(join(dir, 'js-issued.sd-jwt'), issued);
  writeFileSync(join(dir, 'js-presented.sd-jwt'), presented);

  const whole = elicenceVerify(join(dir, 'js-issued.sd-jwt'));
  assert.equal(whole.report.verdict, 'valid', JSON.stringify(whole.report.checks, null, 1));
  assert.equal(whole.code, 0);
  assert.equal(whole.report.format.kind, 'sd-jwt-vc');
  assert.equal(whole.report.format.alg, 'ES256');
  assert.equal(whole.report.credential.licensee.legalName.th, licence.licensee.name.th);
  assert.equal(whole.report.credential.premises.address.th, licence.premises.address.th);

  const shown = elicenceVerify(join(dir, 'js-presented.sd-jwt'), ['--challenge', m.nonce, '--domain', m.aud]);
  assert.equal(shown.report.verdict, 'valid', JSON.stringify(shown.report.checks, null, 1));
  const outcome = (code) => shown.report.checks.find((c) => c.code === code).outcome;
  for (const code of ['holder-binding', 'challenge', 'domain', 'issuer-trusted', 'issuer-authorised']) {
    assert.equal(outcome(code), 'pass', code);
  }
  assert.deepEqual(shown.report.disclosed.map((c) => c.path), ['licensee.juristicPersonId']);

  // Another verifier's challenge: refused.
  const other = elicenceVerify(join(dir, 'js-presented.sd-jwt'), ['--challenge', 'another', '--domain', m.aud]);
  assert.equal(other.report.verdict, 'invalid');
  assert.equal(other.code, 1);
});

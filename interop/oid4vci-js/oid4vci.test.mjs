// Interop of elicence's OpenID4VCI issuer with independent implementations:
// @openid4vc/openid4vci (the OpenWallet Foundation's oid4vc-ts) acts as the
// wallet and completes the pre-authorized code flow with a PIN against a real
// `elicence serve` on 127.0.0.1; @sd-jwt/sd-jwt-vc then verifies the SD-JWT VC
// it received with the key published in the JWT VC Issuer Metadata, and reads
// its status from the agency's Token Status List before and after revocation.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createHash, generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { Openid4vciClient } from '@openid4vc/openid4vci';
import { clientAuthenticationAnonymous, setGlobalConfig } from '@openid4vc/oauth2';
import { SDJwtVcInstance } from '@sd-jwt/sd-jwt-vc';
import { ES256, digest } from '@sd-jwt/crypto-nodejs';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const targetDir = process.env.CARGO_TARGET_DIR || join(repo, 'target');
const dir = mkdtempSync(join(tmpdir(), 'elicence-oid4vci-js-'));
let elicence;
let server;
let origin;
let token;

// Loopback only: the issuer's public URL is http://127.0.0.1:PORT.
setGlobalConfig({ allowInsecureUrls: true });

function run(args) {
  const r = spawnSync(elicence, args, { cwd: dir, encoding: 'utf8' });
  assert.equal(r.status, 0, `elicence ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

const freePort = () =>
  new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

async function waitHealthy() {
  for (;;) {
    try {
      const r = await fetch(`${origin}/healthz`);
      if (r.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

before(async () => {
  const b = spawnSync('cargo', ['--quiet', 'build', '--locked', '-p', 'elicence'], { cwd: repo, encoding: 'utf8' });
  assert.equal(b.status, 0, b.stderr);
  elicence = join(targetDir, 'debug', 'elicence');
  const port = await freePort();
  origin = `http://127.0.0.1:${port}`;
  writeFileSync(join(dir, 'master.key'), randomBytes(32).toString('hex') + '\n', { mode: 0o600 });
  writeFileSync(
    join(dir, 'issuer.toml'),
    `listen = "127.0.0.1:${port}"\npublic_url = "${origin}"\ndatabase = "issuer.db"\ndurability = "normal"\n[master_key]\nfile = "master.key"\n`,
  );
  // Ed25519 for the Data Integrity licence, P-256 for ES256 SD-JWT VCs (HAIP).
  run(['agency', 'add', '--config', 'issuer.toml', '--code', 'bangrak',
    '--name-th', 'สำนักงานเขตบางรัก กรุงเทพมหานคร', '--name-en', 'Bang Rak District Office, Bangkok']);
  run(['agency', 'add-key', '--config', 'issuer.toml', '--code', 'bangrak', '--p256']);
  token = run(['token', 'create', '--config', 'issuer.toml', '--agency', 'bangrak', '--scope', 'issue,revoke']).trim();
  server = spawn(elicence, ['serve', '--config', 'issuer.toml'], { cwd: dir, stdio: 'ignore' });
  await waitHealthy();
});

after(() => {
  server?.kill();
  rmSync(dir, { recursive: true, force: true });
});

async function api(path, body) {
  const r = await fetch(`${origin}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? '' : JSON.stringify(body),
  });
  return { status: r.status, json: await r.json() };
}

// The wallet's key and the library's callbacks (node:crypto only).
const holder = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const holderJwk = holder.publicKey.export({ format: 'jwk' });
const b64 = (x) => Buffer.from(x).toString('base64url');
const callbacks = {
  hash: (data, alg) => createHash(alg.replace('-', '')).update(data).digest(),
  generateRandom: (n) => randomBytes(n),
  clientAuthentication: clientAuthenticationAnonymous(),
  signJwt: async (signer, { header, payload }) => {
    assert.equal(signer.method, 'jwk');
    const input = `${b64(JSON.stringify(header))}.${b64(JSON.stringify(payload))}`;
    const sig = sign('sha256', Buffer.from(input), { key: holder.privateKey, dsaEncoding: 'ieee-p1363' });
    return { jwt: `${input}.${b64(sig)}`, signerJwk: holderJwk };
  },
};

test('@openid4vc/openid4vci completes the pre-authorized flow; @sd-jwt/sd-jwt-vc verifies the credential and sees revocation', async () => {
  const data = JSON.parse(readFileSync(join(repo, 'examples/licence.json'), 'utf8'));
  delete data.issuer;
  data.licenceNumber = 'JS-1';
  const issued = await api('/licences', data);
  assert.equal(issued.status, 201, JSON.stringify(issued.json));
  const licencePath = new URL(issued.json.id.replace(/^https:/, 'http:')).pathname;
  const offer = await api(`${licencePath}/offer`);
  assert.equal(offer.status, 201, JSON.stringify(offer.json));
  assert.deepEqual(Object.keys(offer.json).sort(), ['credential_offer_uri', 'expires_at', 'offer', 'tx_code']);

  const client = new Openid4vciClient({ callbacks });
  const credentialOffer = await client.resolveCredentialOffer(offer.json.offer);
  assert.equal(credentialOffer.credential_issuer, origin);
  const issuerMetadata = await client.resolveIssuerMetadata(credentialOffer.credential_issuer);
  const { accessTokenResponse } = await client.retrievePreAuthorizedCodeAccessTokenFromOffer({
    credentialOffer,
    issuerMetadata,
    txCode: offer.json.tx_code,
  });
  const configurationId = 'food-sale.dc+sd-jwt';
  assert.ok(credentialOffer.credential_configuration_ids.includes(configurationId));
  const { c_nonce } = await client.requestNonce({ issuerMetadata });
  const { jwt } = await client.createCredentialRequestJwtProof({
    issuerMetadata,
    credentialConfigurationId: configurationId,
    signer: { method: 'jwk', alg: 'ES256', publicJwk: holderJwk },
    nonce: c_nonce,
  });
  const { credentialResponse } = await client.retrieveCredentials({
    issuerMetadata,
    accessToken: accessTokenResponse.access_token,
    credentialConfigurationId: configurationId,
    proofs: { jwt: [jwt] },
  });
  const credential = credentialResponse.credentials[0].credential;
  assert.equal(typeof credential, 'string');

  // The issuer's key from its JWT VC Issuer Metadata.
  const iss = JSON.parse(Buffer.from(credential.split('.')[1], 'base64url')).iss;
  const issuerPath = new URL(iss).pathname;
  const jwtVcIssuer = await (await fetch(`${origin}/.well-known/jwt-vc-issuer${issuerPath}`)).json();
  assert.equal(jwtVcIssuer.issuer, iss);
  const issuerJwk = jwtVcIssuer.jwks.keys.find((k) => k.kty === 'EC');
  const sd = new SDJwtVcInstance({
    hasher: digest,
    verifier: await ES256.getVerifier(issuerJwk),
    statusListFetcher: async (uri) => (await fetch(uri.replace(/^https:\/\/127\.0\.0\.1:\d+/, origin))).text(),
    statusVerifier: await ES256.getVerifier(issuerJwk),
  });
  const { payload, header } = await sd.verify(credential);
  assert.equal(header.typ, 'dc+sd-jwt');
  assert.equal(header.alg, 'ES256');
  assert.equal(payload.vct, 'https://w3id.org/elicence/vct/food-sale');
  assert.equal(payload.licenceNumber, 'JS-1');
  assert.deepEqual(payload.cnf.jwk.x, holderJwk.x);

  // Revocation: the Token Status List says so and sd-jwt-js refuses.
  const revoked = await api(`${licencePath}/revoke`);
  assert.equal(revoked.status, 200, JSON.stringify(revoked.json));
  await assert.rejects(sd.verify(credential), /[Ss]tatus/);

  // The code was single-use.
  await assert.rejects(
    client.retrievePreAuthorizedCodeAccessTokenFromOffer({ credentialOffer, issuerMetadata, txCode: offer.json.tx_code }),
  );
});

// Interop with @openid4vc/openid4vp (pinned in package.json) acting as the
// wallet: it resolves our signed request object (JAR, x509_san_dns, DCQL),
// and submits a vp_token made by `elicence present` to our relying party,
// which verifies it. Needs ELICENCE and RP_FIXTURE (scripts/test-rp-web.sh).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import { createHash, verify, X509Certificate } from 'node:crypto';
import { Openid4vpClient } from '@openid4vc/openid4vp';
import { setGlobalConfig } from '@openid4vc/oauth2';

// The fixture serves plain http on 127.0.0.1.
setGlobalConfig({ allowInsecureUrls: true });

function startFixture() {
  const child = spawn(process.env.RP_FIXTURE, [], {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { ...process.env, FIXTURE_DNS: 'localhost' },
  });
  const lines = createInterface({ input: child.stdout });
  return new Promise((resolve, reject) => {
    lines.once('line', (line) => resolve({ child, fixture: JSON.parse(line) }));
    child.once('exit', (code) => reject(new Error(`fixture exited ${code}`)));
  });
}

const b64u = (s) => Buffer.from(s, 'base64url');

const callbacks = {
  fetch,
  hash: (data, alg) => createHash(alg.replace('-', '').toLowerCase()).update(data).digest(),
  getX509CertificateMetadata: (certificate) => {
    const cert = new X509Certificate(Buffer.from(certificate, 'base64'));
    const names = (cert.subjectAltName ?? '').split(', ');
    return {
      sanDnsNames: names.filter((n) => n.startsWith('DNS:')).map((n) => n.slice(4)),
      sanUriNames: names.filter((n) => n.startsWith('URI:')).map((n) => n.slice(4)),
    };
  },
  verifyJwt: async (signer, { compact }) => {
    assert.equal(signer.method, 'x5c');
    const cert = new X509Certificate(Buffer.from(signer.x5c[0], 'base64'));
    const [h, p, s] = compact.split('.');
    const ok = verify('sha256', Buffer.from(`${h}.${p}`), { key: cert.publicKey, dsaEncoding: 'ieee-p1363' }, b64u(s));
    return { verified: ok, signerJwk: cert.publicKey.export({ format: 'jwk' }) };
  },
};

test('@openid4vc/openid4vp resolves our request and its answer is verified', async () => {
  const { child, fixture } = await startFixture();
  try {
    const params = Object.fromEntries(new URL(fixture.uri).searchParams);
    const client = new Openid4vpClient({ callbacks });
    const resolved = await client.resolveOpenId4vpAuthorizationRequest({ authorizationRequestPayload: params });
    const request = resolved.authorizationRequestPayload;
    assert.equal(request.client_id, 'x509_san_dns:localhost');
    assert.equal(request.response_mode, 'direct_post');
    assert.equal(resolved.dcql.query.credentials[0].id, 'licence');
    assert.equal(resolved.jar.signer.method, 'x5c');

    const presentation = execFileSync(process.env.ELICENCE, ['present', fixture.credential,
      '--disclose', 'juristicPersonId', '--key', fixture.key,
      '--nonce', request.nonce, '--aud', request.client_id], { encoding: 'utf8' }).trim();
    const response = await client.createOpenid4vpAuthorizationResponse({
      authorizationRequestPayload: request,
      authorizationResponsePayload: { vp_token: { licence: [presentation] }, state: request.state },
    });
    const submitted = await client.submitOpenid4vpAuthorizationResponse({
      authorizationRequestPayload: request,
      authorizationResponsePayload: response.authorizationResponsePayload,
    });
    assert.equal(submitted.response.status, 200, await submitted.response.clone().text());
    const result = await (await fetch(`${fixture.base}/requests/${fixture.id}`)).json();
    assert.equal(result.state, 'verified', JSON.stringify(result));
    assert.deepEqual(result.claims.licence.licensee, { juristicPersonId: '0105536112014' });
  } finally {
    child.stdin.end();
    child.kill();
  }
});

// Interop with @openid4vc/openid4vp (pinned in package.json), both ways:
// as the wallet, it resolves our signed request object (JAR, x509_san_dns,
// DCQL) and submits a vp_token made by `elicence present` to our relying
// party, which verifies it; as the relying party, it makes a signed DCQL
// request that `elicence wallet present` answers. Needs ELICENCE and RP_FIXTURE (scripts/test-rp-web.sh).
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

test('our CLI wallet answers a request made by @openid4vc/openid4vp as a relying party', async () => {
  const { createServer } = await import('node:http');
  const { createPrivateKey, sign } = await import('node:crypto');
  const { readFileSync, mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { Openid4vpVerifier } = await import('@openid4vc/openid4vp');

  const { child, fixture } = await startFixture();
  const dir = mkdtempSync(join(tmpdir(), 'o4vp-rp-'));
  const server = createServer();
  try {
    // The relying party's key and certificate, made by our CLI.
    const keyPath = join(dir, 'rp.pem');
    const certPath = join(dir, 'rp-cert.pem');
    execFileSync(process.env.ELICENCE, ['key', 'generate', '--p256', '--plaintext', '--out', keyPath], { stdio: 'pipe' });
    execFileSync(process.env.ELICENCE, ['rp', 'certificate', '--dns', 'localhost', '--key', keyPath, '--out', certPath], { stdio: 'pipe' });
    const privateKey = createPrivateKey(readFileSync(keyPath));
    const certDer = new X509Certificate(readFileSync(certPath)).raw.toString('base64');

    let requestJwt;
    let answer;
    server.on('request', (req, res) => {
      if (req.method === 'GET' && req.url === '/request.jwt') {
        res.writeHead(200, { 'content-type': 'application/oauth-authz-req+jwt' });
        res.end(requestJwt);
        return;
      }
      let body = '';
      req.on('data', (d) => { body += d; });
      req.on('end', () => {
        answer = Object.fromEntries(new URLSearchParams(body));
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{}');
      });
    });
    await new Promise((r) => server.listen(0, '127.0.0.1', r));
    const base = `http://localhost:${server.address().port}`;

    const verifier = new Openid4vpVerifier({
      callbacks: {
        ...callbacks,
        signJwt: async (signer, { header, payload }) => {
          const input = `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
          const sig = sign('sha256', Buffer.from(input), { key: privateKey, dsaEncoding: 'ieee-p1363' });
          return { jwt: `${input}.${sig.toString('base64url')}`, signerJwk: privateKey.export({ format: 'jwk' }) };
        },
      },
    });
    const dcql = { credentials: [{ id: 'licence', format: 'dc+sd-jwt',
      meta: { vct_values: ['https://w3id.org/elicence/vct/factory-op'] },
      claims: [{ path: ['licensee', 'juristicPersonId'] }] }] };
    const created = await verifier.createOpenId4vpAuthorizationRequest({
      authorizationRequestPayload: {
        response_type: 'vp_token', client_id: 'x509_san_dns:localhost',
        response_uri: `${base}/response`, response_mode: 'direct_post',
        nonce: 'o4vp-nonce-0123456789', state: 'o4vp-state-0123456789', dcql_query: dcql,
      },
      jar: { requestUri: `${base}/request.jwt`, jwtSigner: { method: 'x5c', x5c: [certDer], alg: 'ES256' }, expiresInSeconds: 300 },
    });
    requestJwt = created.jar.authorizationRequestJwt ?? created.jar.jwt;
    assert.ok(requestJwt, `no JAR in ${Object.keys(created.jar)}`);

    // Asynchronously: this process serves the request object meanwhile.
    const { execFile } = await import('node:child_process');
    const { promisify } = await import('node:util');
    const { stdout: out } = await promisify(execFile)(process.env.ELICENCE, ['wallet', 'present',
      created.authorizationRequest, '--credential', fixture.credential, '--holder-key', fixture.key, '--yes']);
    assert.match(out, /Verifier: localhost/);

    assert.equal(answer.state, 'o4vp-state-0123456789');
    const parsed = verifier.validateOpenid4vpAuthorizationResponsePayload({
      authorizationRequestPayload: created.authorizationRequestPayload,
      authorizationResponsePayload: { vp_token: JSON.parse(answer.vp_token), state: answer.state },
    });
    assert.equal(parsed.type, 'dcql');
    const presentation = JSON.parse(answer.vp_token).licence[0];
    const kb = JSON.parse(Buffer.from(presentation.split('~').at(-1).split('.')[1], 'base64url'));
    assert.equal(kb.nonce, 'o4vp-nonce-0123456789');
    assert.equal(kb.aud, 'x509_san_dns:localhost');
  } finally {
    server.close();
    rmSync(dir, { recursive: true, force: true });
    child.stdin.end();
    child.kill();
  }
});

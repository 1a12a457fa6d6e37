// Writes FILE.br (brotli, quality 11) and FILE.gz (gzip -9) beside each file
// of the built inspector that compresses, for static servers that send
// precompressed files as they are (tower-http's ServeDir with
// precompressed_br()/precompressed_gzip(), nginx's gzip_static/brotli_static).
// On a slow phone network the wasm module is most of a cold start, and
// brotli at its best setting sends a fifth fewer bytes of it than gzip -9;
// servers compressing on the fly rarely use that setting.
// bundle.json is left out: a deployment replaces it without rebuilding.
//
// Usage: node wasm-verifier/precompress.mjs DIR (run by scripts/build-web.sh)
import { execFileSync } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { brotliCompressSync, constants } from 'node:zlib';

const COMPRESSIBLE = /\.(html|js|css|wasm|svg|webmanifest|json)$/;
const SMALLEST = 1024; // below this, compression saves less than its headers cost

const dir = process.argv[2];
if (!dir) {
  console.error('usage: node precompress.mjs DIR');
  process.exit(2);
}

for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
  if (!entry.isFile() || !COMPRESSIBLE.test(entry.name) || entry.name === 'bundle.json') continue;
  const path = join(entry.parentPath ?? entry.path, entry.name);
  const raw = await readFile(path);
  if (raw.length < SMALLEST) continue;
  const br = brotliCompressSync(raw, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
      [constants.BROTLI_PARAM_LGWIN]: constants.BROTLI_MAX_WINDOW_BITS,
      [constants.BROTLI_PARAM_SIZE_HINT]: raw.length,
    },
  });
  // The gzip tool compresses a little better than zlib at level 9.
  const gz = execFileSync('gzip', ['-9', '-n', '-c', path], { maxBuffer: 64 << 20 });
  await writeFile(`${path}.br`, br);
  await writeFile(`${path}.gz`, gz);
  if (entry.name.endsWith('.wasm')) {
    console.log(`precompressed ${relative(dir, path)}: ${gz.length} bytes gzip -9, ${br.length} bytes brotli 11`);
  }
}

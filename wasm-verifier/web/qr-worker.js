// The wasm QR decoder (rxing), off the main thread, for browsers without a
// native BarcodeDetector. The page compiles elicence_inspector (verifier and
// decoder in one module) and posts the compiled module here, so the phone
// downloads and compiles it once. Frames may arrive before the module does
// (the camera opens while it is still downloading): they wait for it. Pure
// computation: no network at all. It takes canvas pixels (RGBA, already
// composited on white by the page) and hands the module grey bytes: the
// module carries no image codecs, the browser has already decoded the picture.
import init, { decode_qr_luma } from './pkg/elicence_inspector.js';

const describe = (e) => String(e && e.message ? e.message : e);

let moduleArrived;
const loaded = new Promise((resolve) => { moduleArrived = resolve; })
  .then((module) => init({ module_or_path: module }));
loaded.then(() => postMessage({ ready: true }), (err) => postMessage({ ready: false, error: describe(err) }));

// Luma as the native decoder computes it (Rec. 709 weights, integer maths).
function toLuma(rgba, pixels) {
  const luma = new Uint8Array(pixels);
  for (let i = 0, j = 0; i < pixels; i++, j += 4) {
    luma[i] = (2126 * rgba[j] + 7152 * rgba[j + 1] + 722 * rgba[j + 2] + 5000) / 10000;
  }
  return luma;
}

onmessage = async (e) => {
  if (e.data.type === 'module') {
    moduleArrived(e.data.module);
    return;
  }
  const { id, width, height, rgba } = e.data;
  try {
    if (rgba.length !== width * height * 4) throw new Error('pixel buffer does not match the picture size');
    await loaded;
    postMessage({ id, payloads: decode_qr_luma(width, height, toLuma(rgba, width * height)) });
  } catch (err) {
    postMessage({ id, error: describe(err) });
  }
};

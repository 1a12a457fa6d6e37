// The wasm QR decoder (rxing), off the main thread. Loaded only by browsers
// without a native BarcodeDetector. Pure computation: no network besides
// loading its own module. It takes canvas pixels (RGBA, already composited on
// white by the page) and hands the module grey bytes: the module carries no
// image codecs, the browser has already decoded the picture.
import init, { decode_qr_luma } from './pkg/elicence_qr.js';

init().then(
  () => postMessage({ ready: true }),
  (e) => postMessage({ ready: false, error: String(e && e.message ? e.message : e) }),
);

// Luma as the native decoder computes it (Rec. 709 weights, integer maths).
function toLuma(rgba, pixels) {
  const luma = new Uint8Array(pixels);
  for (let i = 0, j = 0; i < pixels; i++, j += 4) {
    luma[i] = (2126 * rgba[j] + 7152 * rgba[j + 1] + 722 * rgba[j + 2] + 5000) / 10000;
  }
  return luma;
}

onmessage = (e) => {
  const { id, width, height, rgba } = e.data;
  try {
    if (rgba.length !== width * height * 4) throw new Error('pixel buffer does not match the picture size');
    postMessage({ id, payloads: decode_qr_luma(width, height, toLuma(rgba, width * height)) });
  } catch (err) {
    postMessage({ id, error: String(err && err.message ? err.message : err) });
  }
};

// The wasm QR decoder (rxing), off the main thread. Loaded only by browsers
// without a native BarcodeDetector. Pure computation: no network besides
// loading its own module.
import init, { decode_qr_image } from './pkg/elicence_qr.js';

init().then(
  () => postMessage({ ready: true }),
  (e) => postMessage({ ready: false, error: String(e && e.message ? e.message : e) }),
);

onmessage = (e) => {
  const { id, bytes } = e.data;
  try {
    postMessage({ id, payloads: decode_qr_image(bytes) });
  } catch (err) {
    postMessage({ id, error: String(err && err.message ? err.message : err) });
  }
};

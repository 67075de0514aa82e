// Coupons at the till: scan the shopper's coupon code with the tablet's camera where the browser has a
// BarcodeDetector, else say so and leave the typed code (the form works without this script).
(function () {
  "use strict";
  const scan = document.getElementById("scan");
  if (!scan) return;
  const words = JSON.parse(document.getElementById("till-data").textContent);
  const form = document.getElementById("till-lookup");
  const input = document.getElementById("coupon-code");
  const box = document.getElementById("scanner");
  const video = document.getElementById("scan-video");
  const error = document.getElementById("till-error");
  const CODE = /^[A-Za-z0-9-]{1,20}$/;
  let stream = null;

  function stop() {
    if (stream) stream.getTracks().forEach(function (track) { track.stop(); });
    stream = null;
    video.srcObject = null;
    box.hidden = true;
  }

  // a coupon QR holds the bare code, or a link whose `code` parameter is it
  function codeIn(raw) {
    const value = String(raw || "").trim();
    if (CODE.test(value)) return value;
    const match = /[?&]code=([A-Za-z0-9-]{1,20})(?:&|$)/.exec(value);
    return match ? match[1] : null;
  }

  function unavailable() {
    stop();
    error.textContent = words.scan_unavailable;
    input.focus();
  }

  async function start() {
    if (!("BarcodeDetector" in window) || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      unavailable();
      return;
    }
    try {
      const formats = await window.BarcodeDetector.getSupportedFormats();
      const detector = new window.BarcodeDetector({ formats: formats.filter(function (f) { return f === "qr_code" || f === "code_128"; }) });
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } });
      video.srcObject = stream;
      box.hidden = false;
      await video.play();
      const look = async function () {
        if (!stream) return;
        const found = (await detector.detect(video).catch(function () { return []; }))
          .map(function (c) { return codeIn(c.rawValue); })
          .find(Boolean);
        if (found) {
          stop();
          input.value = found;
          form.requestSubmit();
          return;
        }
        setTimeout(look, 250);
      };
      look();
    } catch (e) {
      unavailable();
    }
  }

  scan.hidden = false;
  scan.addEventListener("click", start);
  document.getElementById("scan-stop").addEventListener("click", stop);
})();

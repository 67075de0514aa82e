// In-store kiosk (?kiosk=1): once a shopper has used the page, 90 s with no touch and no face in
// front of the camera hands the screen to the next shopper. A fresh load is the only reset that
// cannot forget something: the camera stops, and the last shopper's picks, photo, phone number,
// member token and plan are gone. The kiosk keeps only its own mode and its browser's language.
(() => {
  const IDLE_MS = 90_000;
  let idle = null;
  function handOver() {
    const token = localStorage.getItem("storelens-member-token");
    if (token) {  // the server forgets this kiosk's sign-in too, so the token is worthless if copied
      fetch("/api/v1/auth/sign-out", { method: "POST", headers: { "X-Member-Token": token }, keepalive: true });
    }
    if (window.StoreLensChat) window.StoreLensChat.forget();  // widget.js: the chat on screen and its socket go now
    localStorage.clear();  // the chat's conversation token with everything else
    sessionStorage.clear();
    location.replace(`${location.pathname}?kiosk=1`);
  }
  function stillInUse() {
    clearTimeout(idle);
    idle = setTimeout(handOver, IDLE_MS);
  }
  // pages report their own signs of use (the makeup stream: a face in view) as "storelens:activity"
  ["pointerdown", "keydown", "storelens:activity"].forEach((type) =>
    document.addEventListener(type, stillInUse, { capture: true }));
})();

// Inside the WeChat mini-program's web-view: links that need a native page (try-on with the camera or a
// photo) go through wx.miniProgram.navigateTo, and the ?wx= token the mini-program passed is traded for
// the chat conversation. Outside WeChat this file does nothing and loads nothing.
(() => {
  const script = document.currentScript;
  // the JSSDK is served from our own vendor folder (vendor.txt), next to this file
  const sdkUrl = script ? script.src.replace(/wxbridge\.js(\?.*)?$/, "vendor/weixin-js-sdk.js") : "";

  function inMiniProgram() {
    return window.__wxjs_environment === "miniprogram" || /miniProgram/i.test(navigator.userAgent);
  }

  function sdk() {
    return window.wx && window.wx.miniProgram && typeof window.wx.miniProgram.navigateTo === "function"
      ? window.wx.miniProgram : null;
  }

  // The npm build is CommonJS (module.exports = jWeixin): give it a module object, then take wx from it.
  function loadSdk() {
    if (sdk() || !sdkUrl || document.querySelector("script[data-wx-sdk]")) return;
    const holder = { exports: {} };
    window.module = holder;
    const tag = Object.assign(document.createElement("script"), { src: sdkUrl, async: true });
    tag.dataset.wxSdk = "";
    tag.addEventListener("load", () => {
      if (!window.wx && holder.exports && holder.exports.miniProgram) window.wx = holder.exports;
      if (window.module === holder) delete window.module;
    });
    document.head.append(tag);
  }

  // false when navigation must happen the ordinary way (a browser, or the SDK not loaded yet)
  function open(url) {
    const mini = sdk();
    if (!mini) return false;
    mini.navigateTo({ url: "/pages/tryon/tryon?u=" + encodeURIComponent(new URL(url, location.href).href) });
    return true;
  }

  // ?wx=<10-minute token>: the conversation for this web-view (the widget awaits `entered`), and a linked
  // member's device token kept where signin.js keeps it; the token leaves the address bar at once.
  function enter() {
    const params = new URLSearchParams(location.search);
    const token = params.get("wx");
    if (!token) return Promise.resolve(null);
    params.delete("wx");
    const query = params.toString();
    history.replaceState(history.state, "", location.pathname + (query ? "?" + query : "") + location.hash);
    const lang = document.documentElement.lang.startsWith("en") ? "en" : "zh";
    return fetch("/api/v1/wechat/enter?lang=" + lang, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ token }),
    }).then((r) => (r.ok ? r.json() : null)).then((entry) => {
      if (entry && entry.member_token) {
        try { localStorage.setItem("storelens-member-token", entry.member_token); } catch { /* this visit only */ }
      }
      return entry;
    }).catch(() => null);
  }

  window.StoreLensWx = { inMiniProgram, open, entered: enter() };
  if (inMiniProgram()) loadSdk();
})();

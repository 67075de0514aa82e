// Virtual makeup page: consent → camera stream over a WebSocket (or a photo upload),
// product pickers, presets, before/after split, snapshot, save/delete, where to buy.
(() => {
  const { lang, t } = JSON.parse(document.getElementById("page-data").textContent);
  const $ = (id) => document.getElementById(id);
  const api = StoreLensApi(lang);
  const name = (pair) => pair[lang] || pair.zh;

  const state = { products: [], items: {}, kind: document.querySelector(".tabs button").dataset.kind, scene: "",
                  smoothing: 0, socket: null, inFlight: false, sentAt: 0, photo: null, skinTone: null,
                  stream: null, device: null, live: "server" };

  // --- look -------------------------------------------------------------------------------
  const lookSpec = () => ({
    items: Object.values(state.items).map(({ sku, intensity, wing, lashes }) => ({ sku, intensity, wing, lashes })),
    scene: state.scene || null,
    smoothing: state.smoothing,
  });
  function lookChanged() {
    renderPicked();
    if (state.live === "device") {
      // the on-device loop reads the look on its next frame
    } else if (state.socket && state.socket.readyState === WebSocket.OPEN) {
      state.socket.send(JSON.stringify({ type: "look", look: lookSpec() }));
    } else if (state.photo) {
      renderPhoto();
    }
    const current = state.items[state.kind];
    if (current) showStock(current.sku);
  }
  function choose(product) {
    const kind = product.product_type, existing = state.items[kind];
    if (existing && existing.sku === product.sku) delete state.items[kind];
    else state.items[kind] = { sku: product.sku, intensity: $("intensity").value / 100, product,
                               wing: kind === "liner" && $("wing").checked,  // the wing and lash rows are their kind's
                               lashes: kind === "mascara" ? $("lashes").value : "natural" };
    renderSwatches();
    lookChanged();
  }

  // --- pickers ----------------------------------------------------------------------------
  function swatch(product, onClick) {
    const b = document.createElement("button");
    b.className = "swatch";
    b.style.background = product.shade_hex;
    b.title = name(product.name);
    b.setAttribute("aria-label", name(product.name));
    b.addEventListener("click", () => onClick(product));
    return b;
  }
  function renderSwatches() {
    const box = $("swatches");
    box.replaceChildren(...state.products.filter((p) => p.product_type === state.kind).map((p) => {
      const b = swatch(p, choose);
      b.setAttribute("aria-pressed", String(state.items[state.kind]?.sku === p.sku));
      return b;
    }));
    $("wing-row").hidden = state.kind !== "liner";
    $("lashes-row").hidden = state.kind !== "mascara";
    renderPicked();
  }
  function renderPicked() {
    const current = state.items[state.kind];
    $("picked").textContent = current ? `${name(current.product.name)} · ¥${current.product.price}` : "";
    if (!current) return;
    $("intensity").value = Math.round(current.intensity * 100);
    if (current.product.product_type === "liner") $("wing").checked = Boolean(current.wing);
    if (current.product.product_type === "mascara") $("lashes").value = current.lashes || "natural";
  }
  function showKind(kind) {
    document.querySelectorAll(".tabs button").forEach((b) => b.setAttribute("aria-selected", String(b.dataset.kind === kind)));
    state.kind = kind;
    renderSwatches();
    const current = state.items[state.kind];
    if (current) showStock(current.sku);
  }
  document.querySelectorAll(".tabs button").forEach((tab) => tab.addEventListener("click", () => showKind(tab.dataset.kind)));
  $("intensity").addEventListener("change", () => {
    const current = state.items[state.kind];
    if (current) { current.intensity = $("intensity").value / 100; lookChanged(); }
  });
  $("wing").addEventListener("change", () => {
    if (state.items.liner) { state.items.liner.wing = $("wing").checked; lookChanged(); }
  });
  $("lashes").addEventListener("change", () => {
    if (state.items.mascara) { state.items.mascara.lashes = $("lashes").value; lookChanged(); }
  });
  // the figure follows the thumb; the look (a new render) only changes once it is let go
  const showSmoothing = () => { $("smoothing-value").textContent = `${$("smoothing").value}%`; };
  $("smoothing").addEventListener("input", showSmoothing);
  $("smoothing").addEventListener("change", () => { state.smoothing = $("smoothing").value / 100; lookChanged(); });
  $("scene").addEventListener("change", () => { state.scene = $("scene").value; lookChanged(); });

  function wear(look) {
    state.items = {};
    look.items.forEach((i) => { state.items[i.product.product_type] = { ...i, product: i.product }; });
    state.scene = look.scene || "";
    $("scene").value = state.scene;
    state.smoothing = look.smoothing || 0;
    $("smoothing").value = Math.round(state.smoothing * 100);
    showSmoothing();
    renderSwatches();
    lookChanged();
  }

  async function loadPresets() {
    const { looks } = await api("/tryon/looks");
    $("presets").replaceChildren(...looks.map((look) => {
      const b = document.createElement("button");
      b.textContent = name(look.name);
      b.addEventListener("click", () => {
        wear(look);
        document.querySelectorAll(".presets button").forEach((x) => x.setAttribute("aria-pressed", String(x === b)));
      });
      return b;
    }));
  }

  // ?look=<share code>: a saved look opened on another device ("try it on her now" at the advisor console)
  async function wearShared() {
    const code = new URLSearchParams(location.search).get("look");
    if (!code) return;
    try { wear(await api(`/looks/${encodeURIComponent(code)}`)); } catch (e) { setStatus(e.message); }
  }

  // --- where to buy -----------------------------------------------------------------------
  let origin = "";
  async function showStock(sku) {
    const where = origin || ($("store").value ? `store=${$("store").value}` : "");
    if (!where) { $("stock").replaceChildren(); return; }
    try {
      const found = await api(`/stock/nearby?sku=${encodeURIComponent(sku)}&${where}`);
      $("stock").replaceChildren(...(found.results.length ? found.results.slice(0, 5).map((r) => {
        const li = document.createElement("li");
        li.textContent = `${name(r.store.name)} · ${r.distance_km} ${t.km} · ${r.quantity} ${t.in_stock} · ` +
                         `${r.store.hours.opens}–${r.store.hours.closes}`;
        return li;
      }) : [Object.assign(document.createElement("li"), { textContent: t.none_nearby })]));
    } catch (e) { $("stock").replaceChildren(Object.assign(document.createElement("li"), { textContent: e.message })); }
  }
  async function loadStores() {
    const { stores } = await api("/stores");
    stores.forEach((s) => $("store").append(new Option(name(s.name), s.code)));
    $("store").value = new URLSearchParams(location.search).get("store") || "";  // a chat's "where to buy" link
    $("store").addEventListener("change", () => { origin = ""; const c = state.items[state.kind]; if (c) showStock(c.sku); });
  }
  $("near-me").addEventListener("click", () => navigator.geolocation?.getCurrentPosition((pos) => {
    origin = `lat=${pos.coords.latitude}&lon=${pos.coords.longitude}`;
    const c = state.items[state.kind]; if (c) showStock(c.sku);
  }));

  // --- camera stream ----------------------------------------------------------------------
  const canvas = document.createElement("canvas");
  function setStatus(text) { $("status").textContent = text; }
  // Decode off-screen, then swap: the visible image never blanks while a frame loads, and a
  // frame that decodes late never replaces a newer one or a photo chosen meanwhile.
  let framesReceived = 0, frameShown = 0;
  async function showResult(blob, socket) {
    const seq = ++framesReceived;
    const url = URL.createObjectURL(blob);
    const next = new Image();
    next.src = url;
    try { await next.decode(); } catch { URL.revokeObjectURL(url); return; }
    if (seq < frameShown || socket.readyState !== WebSocket.OPEN) { URL.revokeObjectURL(url); return; }
    frameShown = seq;
    const old = $("after").src;
    $("after").src = url;
    if (old.startsWith("blob:")) URL.revokeObjectURL(old);
    document.body.dataset.frames = String(Number(document.body.dataset.frames || 0) + 1);
  }
  async function startCamera() {
    try {
      state.stream = await navigator.mediaDevices.getUserMedia({
        video: { width: { ideal: 640 }, height: { ideal: 480 }, facingMode: "user" }, audio: false });
    } catch (e) {
      photoMode(t.no_camera);
      return;
    }
    const video = $("video");
    video.srcObject = state.stream;
    await video.play();
    $("stage").classList.add("mirrored");
    canvas.width = video.videoWidth || 640;
    canvas.height = video.videoHeight || 480;
    chooseLive();
  }

  // --- on-device or server stream -----------------------------------------------------------
  // On-device when this browser holds 24 fps (no frame leaves the phone); else, and always on a
  // kiosk, the server stream. ?live=device|server or the shopper's switch overrides; a choice is kept.
  const LIVE_KEY = "storelens-live";
  const deviceLook = () => Object.values(state.items).map(({ product, intensity, wing, lashes }) => ({
    product_type: product.product_type, color_hex: product.shade_hex, finish: product.finish,
    intensity: intensity ?? 1, wing: Boolean(wing), lashes: lashes || "natural" }));
  const kiosk = document.documentElement.classList.contains("kiosk");
  async function chooseLive() {
    const asked = new URLSearchParams(location.search).get("live") || (!kiosk && localStorage.getItem(LIVE_KEY));
    if (kiosk || asked === "server" || !window.StoreLensDevice?.supported()) { startServer(); return; }
    setStatus(t.device_loading);
    try {
      state.device ||= await withTimeout(window.StoreLensDevice.create({ canvas: $("after-device") }), 15000);
      if (!state.stream) return;
      if (asked !== "device") {
        const fps = await window.StoreLensDevice.measure(state.device, $("video"), deviceLook(), state.smoothing);
        document.body.dataset.deviceFps = fps.toFixed(1);
        if (fps < 24) { startServer(t.device_slow.replace("{fps}", fps.toFixed(0))); return; }
      }
      startDevice();
    } catch (e) { startServer(); }
  }
  const withTimeout = (promise, ms) => Promise.race([promise,
    new Promise((_, reject) => setTimeout(() => reject(new Error("timeout")), ms))]);
  function showLive(mode) {
    state.live = mode;
    document.body.dataset.live = mode;
    $("after-device").hidden = mode !== "device";
    $("after").hidden = mode === "device";
    $("after-device").style.transform = "scaleX(-1)";
    $("live-mode").hidden = kiosk || !window.StoreLensDevice?.supported();
    $("live-mode").textContent = mode === "device" ? t.use_server : t.use_device;
  }
  function startServer(reason) {
    showLive("server");
    $("live-note").textContent = reason || "";
    openSocket();
  }
  async function startDevice() {
    state.socket?.close();
    showLive("device");
    $("live-note").textContent = t.on_device;
    const video = $("video");
    while (state.live === "device" && state.stream) {
      const result = await state.device.frame(video, deviceLook(), state.scene || null, state.smoothing);
      setStatus(result.faces ? `${Math.round(result.ms)} ms` : t.no_face);
      if (result.faces) document.dispatchEvent(new Event("storelens:activity"));  // a kiosk stays on
      document.body.dataset.frames = String(Number(document.body.dataset.frames || 0) + 1);
      await new Promise(requestAnimationFrame);
    }
  }
  $("live-mode").addEventListener("click", () => {
    const next = state.live === "device" ? "server" : "device";
    localStorage.setItem(LIVE_KEY, next);
    if (!state.stream) return;
    if (next === "server") startServer();
    else { state.socket?.close(); chooseLive(); }
  });
  function openSocket() {
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    const socket = new WebSocket(`${scheme}://${location.host}/makeup/stream?lang=${lang}`);
    socket.binaryType = "blob";
    socket.onopen = () => { socket.send(JSON.stringify({ type: "look", look: lookSpec() })); pump(); };
    socket.onmessage = (event) => {
      if (typeof event.data === "string") {
        const message = JSON.parse(event.data);
        if (message.type === "frame") {
          setStatus(message.faces ? `${message.ms} ms` : t.no_face);
          if (message.faces) document.dispatchEvent(new Event("storelens:activity"));  // a kiosk stays on
        }
        if (message.type === "error") { setStatus(message.error.message); state.inFlight = false; }
        return;
      }
      state.inFlight = false;
      showResult(event.data, socket);
    };
    socket.onclose = () => { state.socket = null; };
    state.socket = socket;
  }
  // one frame in flight at a time: a slow network or server drops frames instead of queueing
  function pump() {
    const socket = state.socket;
    if (!socket || socket.readyState !== WebSocket.OPEN) return;
    const video = $("video");
    const stale = state.inFlight && performance.now() - state.sentAt > 2000;
    if ((!state.inFlight || stale) && video.readyState >= 2) {
      canvas.getContext("2d").drawImage(video, 0, 0, canvas.width, canvas.height);
      state.inFlight = true;
      state.sentAt = performance.now();
      canvas.toBlob((blob) => { if (blob && socket.readyState === WebSocket.OPEN) socket.send(blob); else state.inFlight = false; },
                    "image/jpeg", 0.75);
    }
    requestAnimationFrame(pump);
  }
  function stopCamera() {
    state.socket?.close();
    state.stream?.getTracks().forEach((track) => track.stop());
    state.stream = null;
    if (state.live === "device") showLive("server");
  }

  // --- photo mode -------------------------------------------------------------------------
  // iOS WeChat web-views (and insecure or old browsers) have no getUserMedia: photo try-on instead
  const cameraUsable = () => Boolean(navigator.mediaDevices && navigator.mediaDevices.getUserMedia);
  function photoMode(reason) {
    stopCamera();
    $("photo-reason").textContent = reason;
    $("photo-mode").hidden = false;
    $("photo").closest("label").hidden = true;  // one photo button, the one that can open the camera app
    document.body.dataset.mode = "photo";
    setStatus("");
  }
  const photoChosen = (input) => () => {
    const file = input.files[0];
    if (!file) return;
    stopCamera();
    $("stage").classList.remove("mirrored");
    state.photo = file;
    $("before-photo").src = URL.createObjectURL(file);
    window.StoreLensFacePicker?.reset();  // group photos: a new photo starts with everyone
    renderPhoto();
  };
  $("photo").addEventListener("change", photoChosen($("photo")));
  $("photo-capture").addEventListener("change", photoChosen($("photo-capture")));
  async function renderPhoto() {
    const form = new FormData();
    form.append("image", state.photo);
    form.append("look", JSON.stringify(lookSpec()));
    form.append("face", window.StoreLensFacePicker?.choice() ?? "all");
    setStatus(t.looking);
    try {
      const result = await api("/tryon/makeup", { method: "POST", body: form });
      $("after").src = result.image;
      setStatus("");
      window.StoreLensFacePicker?.show(result, $("before-photo"), renderPhoto);
      showSkin(result);
    } catch (e) { setStatus(e.message); }
  }
  function showSkin(result) {
    state.skinTone = result.skin_tone;
    if (!result.skin_tone) return;
    $("skin").hidden = false;
    const tone = result.skin_tone;
    $("skin-text").textContent = `${name(tone.category_label)} · ${name(tone.undertone_label)} · ITA ${tone.ita}°`;
    showBasePicks(result.recommendations);
    const picks = (result.recommendations[state.kind] || []).map((r) => state.products.find((p) => p.sku === r.sku));
    $("picks").replaceChildren(...picks.filter(Boolean).map((p) => {
      const b = swatch(p, choose);
      const reason = result.recommendations[state.kind].find((r) => r.sku === p.sku).reason;
      b.title = `${name(p.name)} — ${name(reason)}`;
      return b;
    }));
  }

  // foundation and concealer matched to the measured skin: the best of each, why, and "try on"
  function showBasePicks(recommendations) {
    $("base-picks").replaceChildren(...["foundation", "concealer"].flatMap((kind) => {
      const pick = recommendations[kind]?.[0];
      const product = pick && state.products.find((p) => p.sku === pick.sku);
      if (!product) return [];
      const li = document.createElement("li");
      const chip = Object.assign(document.createElement("span"), { className: "chip" });
      chip.style.background = product.shade_hex;
      const words = document.createElement("span");
      words.append(Object.assign(document.createElement("b"), { textContent: `${t[kind]} · ${name(product.name)}` }),
                   Object.assign(document.createElement("small"), { textContent: name(pick.reason) }));
      const tryOn = Object.assign(document.createElement("button"), { type: "button", textContent: t.try_on });
      tryOn.dataset.sku = product.sku;
      tryOn.addEventListener("click", () => {
        showKind(kind);
        if (state.items[kind]?.sku !== product.sku) choose(product);
      });
      li.append(chip, words, tryOn);
      return [li];
    }));
  }

  // --- before/after, snapshot, save, delete -----------------------------------------------
  $("split").addEventListener("input", () => {
    const v = Number($("split").value);
    $("before-layer").style.clipPath = `inset(0 ${100 - v}% 0 0)`;
    $("split-line").style.left = `${v}%`;
    $("split-line").style.opacity = v > 0 && v < 100 ? 1 : 0;
  });
  $("snapshot").addEventListener("click", () => {
    const href = state.live === "device" ? $("after-device").toDataURL("image/jpeg", 0.92) : $("after").src;
    if (!href) return;
    const link = Object.assign(document.createElement("a"), { href, download: "storelens-look.jpg" });
    link.click();
  });
  const account = window.StoreLensAccount;
  account.wireSaveLook(api, () => ({ ...lookSpec(), skin_tone: state.skinTone }), () => setStatus(t.saved));
  $("delete").addEventListener("click", async () => {
    if (!account.token()) { setStatus(t.nothing_saved); return; }
    try {
      await api("/privacy/me", { method: "DELETE", headers: { "X-Member-Token": account.token() } });
      account.forget();
      setStatus(t.deleted);
    } catch (e) { setStatus(e.message); }
  });

  // --- consent -----------------------------------------------------------------------------
  $("agree").addEventListener("click", () => { $("consent").close(); startCamera(); });
  $("use-photo").addEventListener("click", () => { $("consent").close(); $("photo").click(); });

  (async () => {
    state.products = (await api("/products?category=makeup")).products;
    const linked = state.products.find((p) => p.sku === new URLSearchParams(location.search).get("sku"));
    if (linked) {  // opened from the assistant's "try it on" card
      showKind(linked.product_type);
      choose(linked);
    }
    renderSwatches();
    await Promise.all([loadPresets(), loadStores()]);
    await wearShared();
    if (!cameraUsable()) photoMode(t.no_camera_api);
    else if (new URLSearchParams(location.search).get("mode") === "photo") photoMode(t.photo_asked);
    else $("consent").showModal();
  })();
})();

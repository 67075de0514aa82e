// StoreLens chat widget. One script tag on any page, ours or a shop's own site:
//   <script src="https://HOST/static/widget.js" data-locale="zh" data-store="jingan" defer></script>
// Everything lives in a shadow root styled only by widget.css, so the host page's CSS cannot break it
// and ours cannot leak out. data-mode="page" fills the screen (the /chat page, WeChat web-view).
// Bot, advisor and shopper text is only ever set as textContent.
(() => {
  "use strict";
  const script = document.currentScript;
  if (!script || window.StoreLensChat) return;  // included twice: one widget
  const opts = script.dataset;
  const root = new URL("../", script.src);  // the app root, whichever origin the page has
  const sameOrigin = root.origin === location.origin;
  const pageMode = opts.mode === "page";
  const lang = (opts.locale || navigator.language || "zh").toLowerCase().startsWith("en") ? "en" : "zh";
  const TOKEN_KEY = `storelens-chat:${root.origin}`;  // one conversation per StoreLens server
  const MEMBER_KEY = "storelens-member-token";  // written by signin.js, readable on our origin only
  const POLL_MS = 4000;
  let words = {};
  const state = { cursor: 0, seen: new Set(), titles: new Map(), unread: 0, open: pageMode, waiting: 0,
                  socket: null, poll: null, backoff: 1000, live: true };

  const storage = {  // storage can be blocked on a shop's site (private modes, sandboxed frames)
    get(key) { try { return localStorage.getItem(key); } catch { return null; } },
    set(key, value) { try { localStorage.setItem(key, value); } catch { /* this visit only */ } },
    remove(key) { try { localStorage.removeItem(key); } catch { /* nothing kept */ } },
  };
  let token = storage.get(TOKEN_KEY);
  const memberToken = () => (sameOrigin ? storage.get(MEMBER_KEY) : null);

  function channel() {
    const asked = opts.channel || (pageMode && new URLSearchParams(location.search).get("channel")) || "web";
    const wx = window.StoreLensWx;
    if (asked === "miniprogram" || window.__wxjs_environment === "miniprogram" || (wx && wx.inMiniProgram && wx.inMiniProgram())) {
      return "miniprogram";
    }
    return ["web", "kiosk"].includes(asked) ? asked : "web";
  }

  const fill = (template, values) => template.replace(/\{(\w+)\}/g, (all, name) => (name in values ? String(values[name]) : all));

  function el(tag, attrs = {}, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs)) {
      if (value === null || value === undefined || value === false) continue;
      if (name === "text") node.textContent = value;
      else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
      else node.setAttribute(name, value === true ? "" : value);
    }
    node.append(...children.filter((child) => child !== null && child !== undefined));
    return node;
  }

  // only web links leave the widget: a "javascript:" URL from a message is never clickable;
  // an image may also be inline (data:image/..., which an <img> never runs)
  function safeUrl(value, image = false) {
    try {
      const url = new URL(String(value), root);
      const web = url.protocol === "https:" || url.protocol === "http:";
      return web || (image && url.protocol === "data:" && url.pathname.startsWith("image/")) ? url.href : null;
    } catch { return null; }
  }

  function apiUrl(query = {}) {
    const url = new URL("api/v1/chat" + (query.path || ""), root);
    url.searchParams.set("lang", lang);
    if (query.after !== undefined) url.searchParams.set("after", query.after);
    return url;
  }

  // Answers the JSON body, or throws {status, message, retry}; status 0 is no connection at all.
  async function call(method, query = {}, body = undefined) {
    const headers = {};
    if (token) headers["X-Chat-Conversation"] = token;
    const member = memberToken();
    if (member) headers["X-Member-Token"] = member;
    if (body) headers["Content-Type"] = "application/json";
    let response;
    try {
      response = await fetch(apiUrl(query), { method, headers, body: body && JSON.stringify(body), credentials: "omit" });
    } catch {
      throw { status: 0, message: words.offline, retry: true };
    }
    if (response.status === 204) return null;
    const data = await response.json().catch(() => ({}));
    if (!response.ok) {
      const error = data.error && typeof data.error === "object" ? data.error : data;
      throw { status: response.status, message: error.message || data.message || words.offline,
              retry: response.status === 503 || Boolean(error.retry || data.retry) };
    }
    return data;
  }

  // ---- the interface -------------------------------------------------------------------------
  const host = document.createElement("storelens-chat");
  const shadow = host.attachShadow({ mode: "open" });
  const ui = {};

  function build() {
    const kiosk = channel() === "kiosk";
    ui.root = el("div", { class: `root ${pageMode ? "page" : "widget"}${kiosk ? " kiosk" : ""}`, lang: lang === "en" ? "en" : "zh-CN", hidden: true });
    ui.badge = el("span", { class: "badge", hidden: true, "aria-hidden": "true" });
    ui.launcher = el("button", { type: "button", class: "launcher", "aria-expanded": "false", "aria-controls": "storelens-chat-panel",
                                 "aria-label": words.open, onclick: () => setOpen(!state.open) }, bubbleIcon(), ui.badge);
    ui.title = el(pageMode ? "h1" : "h2", { id: "storelens-chat-title", text: words.title });
    ui.clear = el("button", { type: "button", class: "quiet", text: words.clear, onclick: askClear });
    ui.close = pageMode ? null : el("button", { type: "button", class: "icon", "aria-label": words.close, text: "×", onclick: () => setOpen(false) });
    ui.banner = el("p", { class: "banner", role: "status", hidden: true });
    ui.confirm = el("div", { class: "confirm", role: "alertdialog", "aria-label": words.clear, hidden: true },
      el("p", { text: words.clear_confirm }),
      el("div", { class: "row" },
        el("button", { type: "button", class: "danger", text: words.clear_yes, onclick: clearConversation }),
        el("button", { type: "button", text: words.cancel, onclick: () => showConfirm(false) })));
    ui.log = el("div", { class: "log", role: "log", "aria-live": "polite", "aria-label": words.log, tabindex: "0" });
    ui.typing = el("p", { class: "typing", role: "status", hidden: true },
      el("span", { class: "dots", "aria-hidden": "true" }, el("i"), el("i"), el("i")), el("span", { class: "sr", text: words.typing }));
    ui.input = el("textarea", { rows: "1", maxlength: "1000", "aria-label": words.input_label, placeholder: words.placeholder,
                                enterkeyhint: "send", autocomplete: "off" });
    ui.input.addEventListener("keydown", (event) => {
      // Enter sends; Shift+Enter is a new line; Enter that ends a pinyin composition only confirms it
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing && event.keyCode !== 229) {
        event.preventDefault();
        submit();
      }
    });
    ui.input.addEventListener("input", grow);
    ui.form = el("form", { class: "composer", onsubmit: (event) => { event.preventDefault(); submit(); } },
      ui.input, el("button", { type: "submit", class: "primary", text: words.send }));
    ui.panel = el(pageMode ? "main" : "section", { class: "panel", id: "storelens-chat-panel", "aria-labelledby": "storelens-chat-title",
                                                   role: pageMode ? null : "dialog", hidden: !pageMode },
      el("header", {}, ui.title, ui.clear, ui.close), ui.banner, ui.confirm, ui.log, ui.typing, ui.form);
    ui.root.addEventListener("keydown", (event) => {
      if (event.key !== "Escape") return;
      if (!ui.confirm.hidden) showConfirm(false);
      else if (!pageMode) setOpen(false);
    });
    ui.root.append(...(pageMode ? [ui.panel] : [ui.launcher, ui.panel]));
    greet();
    const style = el("link", { rel: "stylesheet", href: new URL("widget.css" + new URL(script.src).search, script.src).href });
    style.addEventListener("load", () => { ui.root.hidden = false; fitViewport(); });
    shadow.append(style, ui.root);
    document.body.append(host);
  }

  function bubbleIcon() {
    const ns = "http://www.w3.org/2000/svg";
    const svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    const path = document.createElementNS(ns, "path");
    path.setAttribute("d", "M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z");
    svg.append(path);
    return svg;
  }

  function grow() {
    ui.input.style.height = "auto";
    ui.input.style.height = `${Math.min(ui.input.scrollHeight, 120)}px`;
  }

  function setOpen(open) {
    if (pageMode) return;
    const wasInside = shadow.activeElement && ui.panel.contains(shadow.activeElement);
    state.open = open;
    ui.panel.hidden = !open;
    ui.root.classList.toggle("open", open);
    ui.launcher.setAttribute("aria-expanded", String(open));
    ui.launcher.setAttribute("aria-label", open ? words.close : words.open);
    if (open) {
      state.unread = 0;
      showUnread();
      ui.input.focus();
      scrollDown();
    } else if (wasInside || shadow.activeElement === null) {
      ui.launcher.focus();
    }
  }

  function showUnread() {
    if (pageMode) return;
    ui.badge.hidden = state.unread === 0;
    ui.badge.textContent = state.unread > 9 ? "9+" : String(state.unread);
    ui.launcher.setAttribute("aria-label", state.unread && !state.open
      ? `${words.open} (${fill(words.unread, { count: state.unread })})` : state.open ? words.close : words.open);
  }

  const scrollDown = () => { ui.log.scrollTop = ui.log.scrollHeight; };

  function setWaiting(delta) {
    state.waiting += delta;
    ui.typing.hidden = state.waiting === 0;
    if (state.waiting) scrollDown();
  }

  // ---- messages ------------------------------------------------------------------------------
  const AUTHORS = ["shopper", "assistant", "advisor", "system"];
  const timeFormat = new Intl.DateTimeFormat(lang === "en" ? "en-GB" : "zh-CN",
    { timeZone: "Asia/Shanghai", dateStyle: "medium", timeStyle: "short" });
  const money = new Intl.NumberFormat(lang === "en" ? "en" : "zh-CN", { style: "currency", currency: "CNY" });

  function greet() {
    ui.log.append(el("div", { class: "msg from-assistant greeting" },
      el("span", { class: "sr", text: `${words.assistant}: ` }), el("p", { text: words.greeting })));
  }

  function bubble(author, text) {
    const who = AUTHORS.includes(author) ? author : "system";
    const node = el("div", { class: `msg from-${who}` });
    if (who === "advisor") node.append(el("span", { class: "who", text: words.advisor }));
    else node.append(el("span", { class: "sr", text: `${words[who === "shopper" ? "you" : who]}: ` }));
    if (text) node.append(el("p", { text }));
    return node;
  }

  function link(href, label, primary) {
    const url = safeUrl(href);
    if (!url) return null;
    return el("a", { href: url, class: primary ? "button primary" : "button", text: label,
                     target: pageMode ? null : "_blank", rel: "noopener", onclick: viaMiniProgram });
  }

  // inside the WeChat mini-program a web-view cannot open every page itself: the bridge hands it over
  function viaMiniProgram(event) {
    const wx = window.StoreLensWx;
    if (wx && typeof wx.open === "function" && (!wx.inMiniProgram || wx.inMiniProgram()) && wx.open(event.currentTarget.href)) {
      event.preventDefault();
    }
  }

  function productCard(product) {
    const image = safeUrl(product.image, true);
    const price = typeof product.price === "number" ? money.format(product.price) : product.price;
    const picture = image ? el("img", { src: image, alt: product.name || "", loading: "lazy" }) : null;
    if (picture) picture.addEventListener("error", () => picture.remove());
    const swatch = /^#[0-9a-f]{6}$/i.test(product.shade || "") ? el("span", { class: "swatch", "aria-hidden": "true" }) : null;
    if (swatch) swatch.style.background = product.shade;
    return el("article", { class: "card product" },
      picture,
      el("div", { class: "body" },
        el("h3", { text: product.name || product.sku || "" }),
        product.shade ? el("p", { class: "shade" }, swatch, `${words.shade}: ${product.shade}`) : null,
        price !== undefined && price !== null ? el("p", { class: "price", text: String(price) }) : null,
        el("div", { class: "row" }, link(product.try_on_url, words.try_on, true), link(product.stock_url, words.where_to_buy, false))));
  }

  function bookingCard(booking) {
    let when = booking.starts_at || "";
    const moment = new Date(when);
    if (when && !Number.isNaN(moment.getTime())) when = timeFormat.format(moment);
    return el("article", { class: "card booking" },
      el("h3", { text: words.booking_done }),
      booking.service ? el("p", { text: String(booking.service) }) : null,
      booking.store ? el("p", { text: String(booking.store) }) : null,
      when ? el("p", { text: when }) : null,
      booking.code ? el("p", { class: "code", text: `${words.booking_code}: ${booking.code}` }) : null,
      el("div", { class: "row" }, link(booking.url, words.booking_view, true)));
  }

  function quickReplies(buttons) {
    const valid = buttons.filter((b) => b && typeof b.title === "string" && typeof b.payload === "string");
    if (!valid.length) return null;
    valid.forEach((b) => state.titles.set(b.payload, b.title));
    return el("div", { class: "replies", role: "group", "aria-label": words.replies },
      ...valid.map((b) => el("button", { type: "button", text: b.title, onclick: () => send(b.payload, b.title) })));
  }

  function render(message) {
    const author = message.author;
    if (message.type === "notice" || author === "system") {
      return el("p", { class: "notice", text: message.text || "" });
    }
    // a quick reply is stored as its payload ("/ask_product"): show the title the shopper tapped
    const text = author === "shopper" ? state.titles.get(message.text) || message.text : message.text;
    const node = bubble(author, text);
    if (message.type === "product" && message.product) node.append(productCard(message.product));
    if (message.type === "booking" && message.booking) node.append(bookingCard(message.booking));
    const replies = Array.isArray(message.buttons) ? quickReplies(message.buttons) : null;
    if (replies) node.append(replies);
    return node;
  }

  function addMessage(message) {
    if (!message || typeof message.id !== "number" || state.seen.has(message.id)) return;
    state.seen.add(message.id);
    state.cursor = Math.max(state.cursor, message.id);
    if (message.author === "shopper") {
      ui.log.querySelectorAll(".replies").forEach((group) => group.remove());  // answered: old choices go
      const pending = ui.log.querySelector(".msg.pending:not(.failed)");
      if (pending) pending.remove();
    } else if (!state.open || document.hidden) {
      state.unread += 1;
    }
    ui.log.append(render(message));
  }

  function accept(answer) {
    if (!answer || typeof answer !== "object") return;
    if (typeof answer.conversation === "string" && answer.conversation) {
      token = answer.conversation;
      storage.set(TOKEN_KEY, token);
    }
    if ("handoff" in answer) showHandoff(answer.handoff);
    (Array.isArray(answer.messages) ? answer.messages : []).forEach(addMessage);
    showUnread();
    scrollDown();
    goLive();
  }

  function showHandoff(handoff) {
    if (!handoff || typeof handoff !== "object") {
      ui.banner.hidden = true;
      ui.banner.textContent = "";
      return;
    }
    const text = handoff.status === "taken"
      ? handoff.advisor ? fill(words.handoff_taken, { advisor: handoff.advisor }) : words.handoff_taken_anonymous
      : fill(words.handoff_open, { position: handoff.position ?? 1, wait: handoff.wait_minutes ?? 1 });
    if (ui.banner.textContent !== text) ui.banner.textContent = text;
    ui.banner.hidden = false;
  }

  function notice(text, className = "notice") {
    const node = el("p", { class: className, role: className === "notice error" ? "alert" : null, text });
    ui.log.append(node);
    scrollDown();
    return node;
  }

  // ---- sending -------------------------------------------------------------------------------
  function submit() {
    const text = ui.input.value.trim();
    if (!text) return;
    ui.input.value = "";
    grow();
    send(text);
  }

  // "near me" answers use the shopper's position only when they already allowed this site to know it:
  // the widget never prompts (the shop's page may), and a refusal or a slow fix just leaves it out
  async function knownPosition() {
    try {
      const permission = await navigator.permissions.query({ name: "geolocation" });
      if (permission.state !== "granted") return null;
      const fix = await new Promise((resolve, reject) =>
        navigator.geolocation.getCurrentPosition(resolve, reject, { timeout: 2000, maximumAge: 600000 }));
      return { lat: fix.coords.latitude, lng: fix.coords.longitude };
    } catch {
      return null;
    }
  }

  async function send(text, title = null) {
    const pending = bubble("shopper", title || text);
    pending.classList.add("pending");
    ui.log.querySelectorAll(".replies").forEach((group) => group.remove());
    ui.log.append(pending);
    scrollDown();
    setWaiting(1);
    const body = { message: text, locale: lang, channel: channel() };
    if (opts.store) body.store = opts.store;
    const position = await knownPosition();
    if (position) body.position = position;
    try {
      const answer = await call("POST", {}, body);
      pending.remove();
      accept(answer);
    } catch (failure) {
      failed(failure, pending, text, title);
    } finally {
      setWaiting(-1);
    }
  }

  // 503 and no connection: nothing was stored, so the bubble stays with a "try again" button;
  // any other refusal (too long, empty, too many) says why and hands the text back to edit
  function failed(failure, pending, text, title) {
    if (failure.retry || failure.status === 0) {
      pending.classList.add("failed");
      pending.append(el("span", { class: "sr", text: ` (${words.not_sent})` }));
      const help = el("div", { class: "retry", role: "alert" }, el("p", { text: failure.message || words.offline }));
      help.append(el("button", { type: "button", class: "primary", text: words.try_again, onclick: () => {
        pending.remove();
        help.remove();
        send(text, title);
      } }));
      pending.after(help);
      scrollDown();
      return;
    }
    pending.remove();
    notice(failure.message || words.offline, "notice error");
    if (!title && !ui.input.value) {
      ui.input.value = text;
      grow();
    }
  }

  // ---- live delivery: the WebSocket, and polling while it is down --------------------------------
  const known = () => Boolean(token || memberToken());

  function goLive() {
    if (!state.live || state.socket || !known()) return;
    if (!("WebSocket" in window)) return startPolling();
    const url = new URL("api/v1/chat/live", root);
    url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
    let socket;
    try { socket = new WebSocket(url.href); } catch { return startPolling(); }
    state.socket = socket;
    socket.addEventListener("open", () => {
      const hello = { after: state.cursor };
      if (token) hello.conversation = token;
      if (memberToken()) hello.member_token = memberToken();
      socket.send(JSON.stringify(hello));
      state.backoff = 1000;
      stopPolling();
    });
    socket.addEventListener("message", (event) => {
      try { accept(JSON.parse(event.data)); } catch { /* a frame we do not understand */ }
    });
    socket.addEventListener("close", (event) => {
      if (state.socket !== socket) return;
      state.socket = null;
      // 1008: the server refused this conversation (erased, or a stale token); asking again will not help
      if (!state.live || event.code === 1008) return;
      startPolling();
      setTimeout(goLive, state.backoff);
      state.backoff = Math.min(state.backoff * 2, 60000);
    });
  }

  function startPolling() {
    if (state.poll === null) state.poll = setInterval(poll, POLL_MS);
  }

  function stopPolling() {
    clearInterval(state.poll);
    state.poll = null;
  }

  async function poll() {
    if (!known() || (document.hidden && !pageMode)) return;
    try { accept(await call("GET", { path: "/history", after: state.cursor })); } catch { /* the next poll tries again */ }
  }

  async function restore() {
    if (!known()) return;
    ui.log.setAttribute("aria-busy", "true");  // the whole history is not read out on load
    try {
      const answer = await call("GET", { path: "/history" });
      if (token && answer && !answer.conversation) forget(true);  // signed by an older key, or erased elsewhere
      accept(answer);
    } catch (failure) {
      if ([400, 401, 403, 404].includes(failure.status)) forget(true);  // a token from an older key or a deleted chat
    } finally {
      ui.log.removeAttribute("aria-busy");
    }
  }

  // ---- deletion on request -------------------------------------------------------------------
  function showConfirm(visible) {
    ui.confirm.hidden = !visible;
    (visible ? ui.confirm.querySelector("button") : ui.clear).focus();
  }

  function askClear() { showConfirm(true); }

  async function clearConversation() {
    try {
      if (known()) await call("DELETE");
    } catch (failure) {
      showConfirm(false);
      notice(failure.message || words.offline, "notice error");
      return;
    }
    showConfirm(false);
    forget(true);
    notice(words.cleared);
  }

  // Forgets this browser's conversation: the token, the socket, what is on screen.
  function forget(restart) {
    state.live = false;
    if (state.socket) state.socket.close();
    state.socket = null;
    stopPolling();
    token = null;
    storage.remove(TOKEN_KEY);
    state.cursor = 0;
    state.seen.clear();
    state.unread = 0;
    if (ui.log) {
      ui.log.replaceChildren();
      greet();
      showHandoff(null);
      showUnread();
    }
    state.live = restart;
  }

  // a phone's soft keyboard shrinks the visual viewport, not the layout one that a fixed panel
  // fills: a full-screen panel follows the visible part so the input stays above the keyboard
  function fitViewport() {
    const view = window.visualViewport;
    if (!view) return;
    const phone = window.matchMedia("(max-width: 480px)");
    const fit = () => {
      const full = pageMode || phone.matches;
      ui.panel.style.height = full ? `${view.height}px` : "";
      ui.panel.style.transform = full && view.offsetTop ? `translateY(${view.offsetTop}px)` : "";
      if (full) scrollDown();
    };
    view.addEventListener("resize", fit);
    view.addEventListener("scroll", fit);
    fit();
  }

  window.StoreLensChat = {
    open: () => setOpen(true),
    close: () => setOpen(false),
    forget: () => forget(false),  // a kiosk handing the screen to the next shopper
  };

  // in the WeChat web-view, the ?wx= token (traded by wxbridge.js) names this WeChat user's conversation
  async function adoptWeChatEntry() {
    const entry = window.StoreLensWx && window.StoreLensWx.entered ? await window.StoreLensWx.entered : null;
    if (entry && entry.conversation) {
      token = entry.conversation;
      storage.set(TOKEN_KEY, token);
    }
  }

  function start() {
    fetch(new URL(`chat/words?locale=${lang}`, root), { credentials: "omit" })
      .then((r) => (r.ok ? r.json() : Promise.reject(r.status)))
      .then(async (loaded) => {
        words = loaded;
        await adoptWeChatEntry();
        build();
        restore();
      })
      .catch(() => { /* without its words the widget stays away rather than show a broken box */ });
  }

  if (document.body) start();
  else document.addEventListener("DOMContentLoaded", start);
})();

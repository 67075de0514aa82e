// Advisor console, every page: the badge counting shoppers handed over to this store, polled every few
// seconds, with a short chime (WebAudio, no file) when a new one arrives. On the inbox page also the
// queues, the chosen chat's transcript kept live, and take / reply / close through the hand-over API.
(function () {
  "use strict";
  const POLL_MS = 3000;
  const badge = document.getElementById("inbox-badge");
  if (!badge) return;
  const dataNode = document.getElementById("inbox-data");
  const inbox = dataNode ? JSON.parse(dataNode.textContent) : null;
  const lang = inbox ? inbox.lang : (document.documentElement.lang.indexOf("zh") === 0 ? "zh" : "en");
  const baseTitle = document.title;
  const seen = new Set();
  let firstLook = true;
  let audio = null;
  let timer = null;
  let busy = false;
  let again = false;
  let selected = null;

  // browsers start sound only after a gesture on the page: the first tap opens the audio context
  function unlockAudio() {
    const Context = window.AudioContext || window.webkitAudioContext;
    if (!audio && Context) audio = new Context();
  }
  document.addEventListener("pointerdown", unlockAudio, { once: true });
  document.addEventListener("keydown", unlockAudio, { once: true });

  function chime() {
    badge.dataset.chimes = String(Number(badge.dataset.chimes || 0) + 1);
    if (!audio) return;
    const start = audio.currentTime + 0.02;
    [880, 1320].forEach(function (pitch, i) {
      const tone = audio.createOscillator();
      const gain = audio.createGain();
      const at = start + i * 0.18;
      tone.frequency.value = pitch;
      gain.gain.setValueAtTime(0.0001, at);
      gain.gain.exponentialRampToValueAtTime(0.25, at + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.16);
      tone.connect(gain).connect(audio.destination);
      tone.start(at);
      tone.stop(at + 0.17);
    });
  }

  function api(url, options) {
    const opts = options || {};
    const headers = Object.assign({ Accept: "application/json" }, opts.headers || {});
    const address = url + (url.indexOf("?") < 0 ? "?" : "&") + "lang=" + lang;
    return fetch(address, Object.assign({}, opts, { headers: headers, credentials: "same-origin" })).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (body) {
        if (!r.ok) {
          const failure = new Error((body.error && body.error.message) || String(r.status));
          failure.status = r.status;
          throw failure;
        }
        return body;
      });
    });
  }

  function updateBadge(open) {
    const fresh = open.filter(function (h) { return !seen.has(h.id); });
    open.forEach(function (h) { seen.add(h.id); });
    badge.textContent = String(open.length);
    badge.hidden = open.length === 0;
    badge.setAttribute("aria-label", badge.dataset.label.replace("{count}", String(open.length)));
    document.title = (open.length ? "(" + open.length + ") " : "") + baseTitle;
    if (!firstLook && fresh.length) {
      badge.classList.remove("fresh");
      void badge.offsetWidth; // restart the pulse
      badge.classList.add("fresh");
      chime();
    }
    firstLook = false;
  }

  // --- the inbox page ---------------------------------------------------------------------------

  function say(key, params) {
    let text = inbox.words[key] || "";
    Object.keys(params || {}).forEach(function (name) { text = text.split("{" + name + "}").join(String(params[name])); });
    return text;
  }

  function node(tag, className, text) {
    const el = document.createElement(tag);
    if (className) el.className = className;
    if (text !== undefined) el.textContent = text; // shoppers' words are text, never markup
    return el;
  }

  function $(id) { return document.getElementById(id); }

  function setError(text) {
    if (inbox) $("inbox-error").textContent = text;
  }

  function renderQueue(list, items, emptyKey) {
    list.replaceChildren();
    if (!items.length) {
      list.append(node("li", "hint", say(emptyKey)));
      return;
    }
    items.forEach(function (h) {
      const button = node("button", "handoff" + (h.id === selected ? " selected" : ""));
      button.type = "button";
      button.dataset.id = String(h.id);
      button.append(node("strong", null, "#" + h.id + " · " + say("reason_" + h.reason)));
      const meta = h.status === "taken" ? say("taken_by", { advisor: h.advisor }) : say("waited", { minutes: h.waiting_minutes });
      button.append(node("span", "hint", meta));
      if (h.phone) button.append(node("span", "callback", say("callback", { phone: h.phone })));
      if (h.last_message && h.last_message.text) button.append(node("span", "last", h.last_message.text));
      button.addEventListener("click", function () { choose(h.id); });
      const item = node("li");
      item.append(button);
      list.append(item);
    });
  }

  function messageText(m) {
    if (m.type === "product" && m.product) return say("product_card", { name: m.product.name });
    if (m.type === "booking" && m.booking) return say("booking_card", { code: m.booking.code });
    return m.text || "";
  }

  function renderTranscript(detail) {
    const list = $("transcript");
    const last = detail.transcript.length ? detail.transcript[detail.transcript.length - 1].id : 0;
    const key = detail.id + ":" + last;
    if (list.dataset.key === key) return;
    list.dataset.key = key;
    list.replaceChildren();
    detail.transcript.forEach(function (m) {
      const item = node("li", "msg from-" + m.author);
      const who = say("author_" + m.author) + (m.author === "advisor" && m.advisor ? " · " + m.advisor : "");
      item.append(node("span", "who", who + " · " + String(m.at || "").slice(11, 16)));
      item.append(node("p", null, messageText(m)));
      list.append(item);
    });
    list.scrollTop = list.scrollHeight;
  }

  function renderChat(detail) {
    $("pick").hidden = true;
    $("chat").hidden = false;
    $("chat-title").textContent = "#" + detail.id + " · " + say("reason_" + detail.reason);
    let meta = detail.status === "open" ? say("waited", { minutes: detail.waiting_minutes }) : "";
    if (detail.advisor) meta = say("taken_by", { advisor: detail.advisor });
    if (detail.phone) meta += " · " + say("callback", { phone: detail.phone });
    $("chat-meta").textContent = meta;
    $("take").hidden = detail.status !== "open";
    $("close").hidden = detail.status === "closed";
    $("reply").hidden = !(detail.status === "taken" && detail.advisor === inbox.me);
    renderTranscript(detail);
  }

  function showPick() {
    selected = null;
    $("chat").hidden = true;
    $("pick").hidden = false;
  }

  async function refresh() {
    busy = true;
    try {
      const open = (await api(badge.dataset.api)).handoffs;
      updateBadge(open);
      if (inbox) {
        const taken = (await api(inbox.api + "?status=taken")).handoffs;
        renderQueue($("queue-open"), open, "nothing_waiting");
        renderQueue($("queue-taken"), taken, "nothing_taken");
        if (selected !== null) {
          const showing = selected;
          try {
            renderChat(await api(inbox.api + "/" + showing));
          } catch (e) {
            if (e.status !== 404) throw e;
            if (selected === showing) showPick(); // the shopper erased the chat
          }
        }
      }
      setError("");
    } catch (e) {
      if (e.status === 401) return; // signed out: console.js takes the page to the sign-in form
      setError(e.status ? e.message : say("offline"));
    } finally {
      busy = false;
    }
    timer = setTimeout(refresh, again ? 0 : POLL_MS);
    again = false;
  }

  function refreshNow() {
    if (busy) {
      again = true;
      return;
    }
    clearTimeout(timer);
    refresh();
  }

  function choose(id) {
    selected = id;
    $("transcript").dataset.key = "";
    refreshNow();
  }

  function act(step, body) {
    return api(inbox.api + "/" + selected + "/" + step, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRFToken": inbox.csrf },
      body: JSON.stringify(body || {}),
    }).then(function () {
      setError("");
      refreshNow();
      return true;
    }, function (e) {
      setError(e.message);
      return false;
    });
  }

  if (inbox) {
    $("take").addEventListener("click", function () { act("take"); });
    $("close").addEventListener("click", function () { act("close"); });
    $("reply").addEventListener("submit", function (event) {
      event.preventDefault();
      const field = $("reply-text");
      const text = field.value.trim();
      if (!text) return;
      act("reply", { text: text }).then(function (sent) { if (sent) field.value = ""; });
    });
  }
  refresh();
})();

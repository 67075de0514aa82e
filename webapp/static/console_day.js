// Advisor console, the working day (tablet first). One script for three pages, chosen by data-page:
// bookings (polled every few seconds, so new ones appear without reload; check in, complete, no-show,
// notes), the customer view (a share code typed, or scanned: BarcodeDetector where the browser has it,
// jsQR otherwise) and recommendation lists sent into a shopper's chat. Text goes in as text, never HTML.
(function () {
  "use strict";
  const data = JSON.parse(document.getElementById("day-data").textContent);
  const words = data.words;
  const lang = document.documentElement.lang.startsWith("en") ? "en" : "zh";
  const page = document.querySelector("[data-page]").dataset.page;
  const $ = (id) => document.getElementById(id);
  const csrf = (document.querySelector('input[name="csrf_token"]') || {}).value || "";
  const say = (template, values) => template.replace(/\{(\w+)\}/g, (_, key) => String(values[key] ?? ""));
  const money = new Intl.NumberFormat(lang === "en" ? "en-GB" : "zh-CN", { style: "currency", currency: "CNY" });

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([key, value]) => {
      if (value === null || value === undefined || value === false) return;
      if (key === "text") node.textContent = value;
      else node.setAttribute(key, value === true ? "" : value);
    });
    children.flat().forEach((child) => { if (child !== null && child !== undefined) node.append(child); });
    return node;
  }

  async function call(url, method, body) {
    const options = { method: method || "GET", headers: { Accept: "application/json" }, credentials: "same-origin" };
    if (body !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    if (options.method !== "GET") options.headers["X-CSRFToken"] = csrf;
    const response = await fetch(url + (url.includes("?") ? "&" : "?") + "lang=" + lang, options);
    const answer = await response.json().catch(() => ({}));
    if (!response.ok) {
      const error = new Error(answer.error ? answer.error.message : response.statusText);
      error.status = response.status;
      throw error;
    }
    return answer;
  }

  // --- bookings --------------------------------------------------------------------------------

  function bookingsPage() {
    const rows = new Map();
    let first = true;

    function when(booking) {
      const day = booking.starts_at.slice(0, 10), time = booking.starts_at.slice(11, 16);
      return day === data.today ? `${words.today_label} ${time}` : `${day.slice(5)} ${time}`;
    }

    function actions(booking) {
      const moves = { confirmed: ["check_in", "no_show"], checked_in: ["complete"] }[booking.status] || [];
      return moves.map((move) => {
        const button = el("button", { type: "button", class: move === "check_in" ? "primary" : "", "data-move": move,
                                      text: words[move] });
        button.addEventListener("click", () => mark(booking.code, move, button));
        return button;
      });
    }

    function shared(booking) {
      if (!booking.share_codes.length) return null;
      return el("p", { class: "shared" }, `${words.shared}: `, booking.share_codes.map((code) =>
        el("a", { href: `${data.customer_url}&code=${encodeURIComponent(code)}`, class: "chip", text: code })));
    }

    function fill(row, booking) {
      row.booking = booking;
      if (!row.notes.dataset.dirty && document.activeElement !== row.notes) row.notes.value = booking.notes;
      const shown = JSON.stringify({ ...booking, notes: "", today: data.today });
      if (row.shown === shown) return;  // unchanged: the buttons stay the same nodes under a finger
      row.shown = shown;
      row.li.dataset.status = booking.status;
      row.head.replaceChildren(
        el("strong", { class: "when", text: when(booking) }),
        el("span", { class: "service", text: booking.service.name[lang] }),
        el("span", { class: "who", text: booking.name }),
        el("span", { class: "phone", text: booking.phone }),
        el("span", { class: `status status-${booking.status}`, text: words.statuses[booking.status] }),
        el("code", { text: booking.code }));
      row.shared.replaceChildren(...[shared(booking)].filter(Boolean));
      row.actions.replaceChildren(...actions(booking));
    }

    function newRow(booking) {
      const notes = el("textarea", { rows: 2, maxlength: 2000, "aria-label": `${words.notes} ${booking.code}` });
      const save = el("button", { type: "button", class: "quiet", text: words.save_notes });
      const status = el("span", { class: "hint", role: "status" });
      const row = { head: el("div", { class: "booking-head" }), shared: el("div"), actions: el("div", { class: "moves" }),
                    notes, status };
      row.li = el("li", { class: "booking", "data-code": booking.code }, row.head, row.shared,
                  el("div", { class: "notes" }, el("label", { text: words.notes }, notes), save, status), row.actions);
      notes.addEventListener("input", () => { notes.dataset.dirty = "1"; status.textContent = ""; });
      save.addEventListener("click", async () => {
        try {
          const saved = await call(`/api/v1/bookings/${encodeURIComponent(row.booking.code)}/notes`, "PUT",
                                   { notes: notes.value });
          delete notes.dataset.dirty;
          fill(row, saved);
          status.textContent = words.notes_saved;
        } catch (error) { status.textContent = error.message; }
      });
      return row;
    }

    function render(bookings, at) {
      const list = $("booking-list");
      const seen = new Set();
      bookings.forEach((booking) => {
        let row = rows.get(booking.code);
        if (!row) {
          row = newRow(booking);
          rows.set(booking.code, row);
          if (!first) row.li.classList.add("new");
        }
        fill(row, booking);
        seen.add(booking.code);
      });
      rows.forEach((row, code) => { if (!seen.has(code)) { row.li.remove(); rows.delete(code); } });
      // keep time order; a node already in place is not moved, so a focused note keeps its focus
      bookings.forEach((booking, index) => {
        const li = rows.get(booking.code).li;
        if (list.children[index] !== li) list.insertBefore(li, list.children[index] || null);
      });
      $("bookings-empty").hidden = bookings.length > 0;
      $("bookings-updated").textContent = say(words.updated, { time: at.slice(11, 16) });
      first = false;
    }

    async function mark(code, move, button) {
      button.disabled = true;
      $("bookings-error").textContent = "";
      try {
        const changed = await call(`/api/v1/bookings/${encodeURIComponent(code)}/staff/${move}`, "POST");
        fill(rows.get(code), changed);
      } catch (error) {
        $("bookings-error").textContent = error.message;
        button.disabled = false;
      }
    }

    async function refresh() {
      try {
        const feed = await call(`${data.feed_url}?days=${data.days}`);
        data.today = feed.day;
        render(feed.bookings, feed.at);
        $("bookings-error").textContent = "";
      } catch (error) {
        if (error.status === 401) window.location.reload();  // the session ended: the page sends to sign-in
        $("bookings-error").textContent = words.offline;
      }
    }

    render(data.bookings, data.at);
    setInterval(refresh, data.poll_seconds * 1000);
    document.addEventListener("visibilitychange", () => { if (!document.hidden) refresh(); });
  }

  // --- the customer view --------------------------------------------------------------------------

  const CODE = /^(RC|L|P)[2-9A-HJ-NP-Z]{6}$/;

  // A scanned text is a share link (…?plan=P…, …/L…) or the bare code.
  function codeIn(text) {
    const bare = text.trim().toUpperCase();
    if (CODE.test(bare)) return bare;
    try {
      const url = new URL(text.trim());
      const candidates = [...url.searchParams.values(), ...url.pathname.split("/")];
      return candidates.map((c) => c.toUpperCase()).find((c) => CODE.test(c)) || null;
    } catch (_) { return null; }
  }

  function stockList(stock) {
    if (!stock || !stock.length) return el("p", { class: "hint", text: words.none_nearby });
    return el("ul", { class: "stock" }, stock.map((s) =>
      el("li", { text: `${s.name[lang]} · ${s.quantity} ${words.in_stock} · ${s.distance_km} km` })));
  }

  function productRow(product, extra, stock) {
    const swatch = el("span", { class: "swatch", "aria-hidden": "true" });
    if (/^#[0-9a-f]{6}$/i.test(product.shade_hex || "")) swatch.style.background = product.shade_hex;
    return el("li", { class: "product-row" },
      el("div", { class: "product-head" }, swatch, el("strong", { text: product.name[lang] }),
         product.shade_hex ? el("span", { text: `${words.shade} ${product.shade_hex}` }) : null,
         el("span", { text: money.format(product.price) }), extra),
      el("div", { class: "product-stock" }, el("span", { class: "label", text: words.stock_near }), stockList(stock)));
  }

  function showShare(view) {
    const box = $("share-view");
    const title = el("h2", {}, el("span", { class: "kind", text: words[`kind_${view.kind}`] }), " ",
                     el("code", { text: view.code }));
    const parts = [title];
    if (view.kind === "look") {
      parts.push(el("p", { text: view.name[lang] }), el("p", { class: "hint", text: words.no_face }));
      parts.push(el("ol", { class: "products" }, view.items.map((item) => productRow(item.product,
        el("span", { text: `${words.intensity} ${Math.round(item.intensity * 100)}%` }), item.stock))));
      parts.push(el("a", { class: "button primary", href: view.try_on_url, text: words.try_on_now }));
    } else if (view.kind === "plan") {
      parts.push(el("p", { text: say(words.room_size, { w: view.room.width, d: view.room.depth, h: view.room.height }) }));
      parts.push(el("ol", { class: "products" }, view.quote.lines.map((line) => el("li", { class: "product-row" },
        el("div", { class: "product-head" }, el("strong", { text: line.name[lang] }),
           line.variant ? el("span", { text: line.variant }) : null,
           el("span", { text: `${words.quantity} ${line.quantity}` }), el("span", { text: money.format(line.subtotal) })),
        el("div", { class: "product-stock" }, el("span", { class: "label", text: words.stock_near }), stockList(line.stock))))));
      parts.push(el("p", {}, el("strong", { text: `${words.total} ${money.format(view.quote.total)}` })));
      parts.push(el("a", { class: "button primary", href: view.plan_url, text: words.open_plan }));
    } else {
      parts.push(el("p", { text: `${words.advisor}: ${view.advisor}` }));
      parts.push(el("ol", { class: "products" }, view.items.map((item) =>
        productRow(item.product, item.note ? el("em", { text: item.note }) : null, item.stock))));
    }
    box.replaceChildren(...parts);
    box.hidden = false;
  }

  function customerPage() {
    const input = $("share-code");
    let stream = null, timer = null;

    async function open(code) {
      $("share-error").textContent = "";
      $("share-view").hidden = true;
      try {
        showShare(await call(data.share_url.replace("CODE", encodeURIComponent(code.trim()))));
      } catch (error) { $("share-error").textContent = error.message; }
    }

    function found(text) {
      const code = text && codeIn(text);
      if (!code) return false;
      $("scan-status").textContent = say(words.scan_found, { code });
      input.value = code;
      open(code);
      return true;
    }

    async function decode(source, width, height) {
      if ("BarcodeDetector" in window) {
        try {
          const codes = await new window.BarcodeDetector({ formats: ["qr_code"] }).detect(source);
          if (codes.length) return codes[0].rawValue;
        } catch (_) { /* unsupported here: jsQR below */ }
      }
      const canvas = document.createElement("canvas");
      canvas.width = width; canvas.height = height;
      const context = canvas.getContext("2d", { willReadFrequently: true });
      context.drawImage(source, 0, 0, width, height);
      const found = window.jsQR(context.getImageData(0, 0, width, height).data, width, height);
      return found ? found.data : null;
    }

    function stop() {
      clearTimeout(timer);
      if (stream) stream.getTracks().forEach((track) => track.stop());
      stream = null;
      $("scanner").hidden = true;
    }

    async function tick() {
      const video = $("scan-video");
      if (!stream) return;
      if (video.videoWidth && found(await decode(video, video.videoWidth, video.videoHeight))) { stop(); return; }
      timer = setTimeout(tick, 250);
    }

    $("share-form").addEventListener("submit", (event) => {
      event.preventDefault();
      if (input.value.trim()) open(input.value);
    });
    $("scan-camera").addEventListener("click", async () => {
      try {
        stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false });
      } catch (_) { $("scan-status").textContent = words.no_camera; return; }
      $("scanner").hidden = false;
      $("scan-status").textContent = words.scanning;
      $("scan-video").srcObject = stream;
      await $("scan-video").play();
      tick();
    });
    $("scan-stop").addEventListener("click", stop);
    $("scan-file").addEventListener("change", async (event) => {
      const file = event.target.files[0];
      if (!file) return;
      const picture = await createImageBitmap(file);
      if (!found(await decode(picture, picture.width, picture.height))) $("scan-status").textContent = words.scan_none;
      event.target.value = "";
    });
    const asked = new URLSearchParams(window.location.search).get("code");
    if (asked) { input.value = asked; open(asked); }
  }

  // --- recommendation lists ---------------------------------------------------------------------------

  function recommendPage() {
    const items = [];
    const names = new Map(data.products.map((p) => [p.sku, p.name]));
    let code = null;
    data.products.forEach((p) => $("item-sku").append(new Option(`${p.name} · ${p.sku}`, p.sku)));

    function renderItems() {
      $("items").replaceChildren(...items.map((item, index) => {
        const remove = el("button", { type: "button", class: "quiet", text: words.remove });
        remove.addEventListener("click", () => { items.splice(index, 1); renderItems(); });
        return el("li", {}, el("strong", { text: names.get(item.sku) }), el("code", { text: item.sku }),
                  item.note ? el("em", { text: item.note }) : null, remove);
      }));
      $("create-list").disabled = items.length === 0;
    }

    function renderRecent(lists) {
      $("recent").replaceChildren(...lists.map((list) => el("li", {},
        el("code", { text: list.code }), ` ${list.advisor} · ${list.created_at.slice(5, 16).replace("T", " ")} · `,
        say(words.items_count, { count: list.items.length }), ": ",
        list.items.map((item) => item.product.name[lang]).join("、"))));
    }

    $("add-item").addEventListener("submit", (event) => {
      event.preventDefault();
      const sku = $("item-sku").value;
      if (!sku) return;
      items.push({ sku, note: $("item-note").value.trim() });
      $("item-note").value = "";
      renderItems();
    });
    $("create-list").addEventListener("click", async () => {
      $("recommend-error").textContent = "";
      try {
        const created = await call(data.create_url, "POST", { items });
        code = created.code;
        $("created-code").textContent = code;
        $("created").hidden = false;
        data.recent.unshift(created);
        renderRecent(data.recent);
        items.length = 0;
        renderItems();
      } catch (error) { $("recommend-error").textContent = error.message; }
    });
    const targets = [
      ...data.chats.map((c) => new Option(say(words.target_chat, c), `handoff:${c.id}`)),
      ...data.bookings.map((b) => new Option(say(words.target_booking, b), `booking:${b.code}`)),
    ];
    $("send-target").append(...targets);
    if (!targets.length) {
      $("send-list").disabled = true;
      $("send-status").textContent = words.no_targets;
    }
    $("send-list").addEventListener("click", async () => {
      const [kind, value] = $("send-target").value.split(/:(.*)/);
      $("send-status").textContent = "";
      try {
        await call(data.send_url.replace("CODE", encodeURIComponent(code)), "POST",
                   kind === "handoff" ? { handoff: Number(value) } : { booking: value });
        $("send-status").textContent = words.sent;
      } catch (error) { $("send-status").textContent = error.message; }
    });
    renderRecent(data.recent);
  }

  ({ bookings: bookingsPage, customer: customerPage, recommend: recommendPage })[page]();
})();

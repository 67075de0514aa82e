// Copy a look: a reference photo in (measured on the server, never stored), the nearest in-stock
// shades per region out; the chosen shades are then tried on the shopper's own photo and saved.
(() => {
  const { lang, t } = JSON.parse(document.getElementById("page-data").textContent);
  const $ = (id) => document.getElementById(id);
  const api = StoreLensApi(lang);
  const name = (pair) => pair[lang] || pair.zh;
  const el = (tag, props = {}, ...children) => {
    const node = Object.assign(document.createElement(tag), props);
    node.append(...children);
    return node;
  };
  const state = { reference: null, own: null, chosen: {}, origin: {} };
  const setStatus = (text) => { $("status").textContent = text; };
  // CIEDE2000 bands: under 2 hardly visible side by side, under 5 a close match
  const closeness = (de) => (de < 2 ? t.close : de < 5 ? t.near : t.far);

  function stockLine(stock) {
    if (!stock) return "";
    if (!stock.length) return t.none_nearby;
    return stock.map((s) => `${name(s.store.name)} · ${s.distance_km} ${t.km} · ${s.quantity} ${t.in_stock}`).join("；");
  }
  function renderRegion(region) {
    const box = el("article", { className: "region" });
    box.dataset.region = region.region;
    const chip = el("span", { className: "chip", title: t.measured });
    chip.style.background = region.color_hex;
    box.append(el("h3", {}, chip, t[region.region]));
    if (!region.applied) { box.append(el("p", { className: "hint", textContent: t.none_applied })); return box; }
    if (!region.matches.length) { box.append(el("p", { className: "hint", textContent: t.none_in_stock })); return box; }
    region.matches.forEach((match, index) => {
      const p = match.product;
      const radio = el("input", { type: "radio", name: `pick-${region.region}`, value: p.sku, checked: index === 0 });
      radio.addEventListener("change", () => { state.chosen[region.region] = p.sku; if (state.own) tryOn(); });
      const swatch = el("span", { className: "chip" });
      swatch.style.background = p.shade_hex;
      const row = el("div", { className: "match" },
        el("label", {}, swatch, el("span", { className: "name", textContent: `${name(p.name)} · ¥${p.price}` }), radio),
        el("p", { className: "meta", textContent:
          `${t.difference} ${match.delta_e} (${closeness(match.delta_e)}) · ${t["finish_" + p.finish] || p.finish}` }));
      const stock = stockLine(match.stock);
      if (stock) row.append(el("p", { className: "stock", textContent: stock }));
      box.append(row);
    });
    state.chosen[region.region] = region.matches[0].product.sku;
    return box;
  }

  async function measure() {
    if (!state.reference) return;
    const form = new FormData();
    form.append("image", state.reference);
    Object.entries(state.origin).forEach(([key, value]) => form.append(key, value));
    setStatus(t.working);
    try {
      const result = await api("/tryon/copy-look", { method: "POST", body: form });
      state.chosen = {};
      $("regions").replaceChildren(...result.regions.map(renderRegion));
      $("results").hidden = false;
      $("try").hidden = false;
      setStatus("");
      document.body.dataset.copied = String(result.regions.length);
      if (state.own) tryOn();
    } catch (e) { setStatus(e.message); }
  }
  const lookItems = () => Object.values(state.chosen).map((sku) => ({ sku, intensity: 1 }));

  async function tryOn() {
    const form = new FormData();
    form.append("image", state.own);
    form.append("look", JSON.stringify({ items: lookItems() }));
    setStatus(t.rendering);
    try {
      const result = await api("/tryon/makeup", { method: "POST", body: form });
      $("own-img").src = result.image;
      $("own-img").hidden = false;
      setStatus("");
      document.body.dataset.tried = "1";
    } catch (e) { setStatus(e.message); }
  }

  $("reference").addEventListener("change", () => {
    const file = $("reference").files[0];
    if (!file) return;
    state.reference = file;
    $("reference-img").src = URL.createObjectURL(file);
    $("reference-img").hidden = false;
    measure();
  });
  $("own").addEventListener("change", () => {
    const file = $("own").files[0];
    if (!file) return;
    state.own = file;
    tryOn();
  });
  $("store").addEventListener("change", () => {
    state.origin = $("store").value ? { store: $("store").value } : {};
    measure();
  });
  $("near-me").addEventListener("click", () => navigator.geolocation?.getCurrentPosition((pos) => {
    state.origin = { lat: String(pos.coords.latitude), lon: String(pos.coords.longitude) };
    measure();
  }));
  $("open-makeup").addEventListener("click", () => {
    const first = Object.values(state.chosen)[0];
    if (first) $("open-makeup").href = `/makeup?sku=${encodeURIComponent(first)}`;
  });

  window.StoreLensAccount.wireSaveLook(api, () => ({ items: lookItems(), name: t.look_name }), () => setStatus(t.saved));

  api("/stores").then(({ stores }) => stores.forEach((s) => $("store").append(new Option(name(s.name), s.code))));
})();

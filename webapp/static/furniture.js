// Furniture viewer: variant picker, dimension lines that follow the camera, nearby stock.
(() => {
  const { lang, t } = JSON.parse(document.getElementById("page-data").textContent);
  const viewer = document.getElementById("viewer");
  const name = (pair) => pair[lang] || pair.zh;

  document.querySelectorAll(".variant").forEach((button) => button.addEventListener("click", () => {
    viewer.src = button.dataset.model;
    document.querySelectorAll(".variant").forEach((b) => b.setAttribute("aria-pressed", String(b === button)));
  }));

  function drawLines() {
    document.querySelectorAll("#dim-lines line").forEach((line) => {
      const from = viewer.queryHotspot(line.dataset.from);
      const to = viewer.queryHotspot(line.dataset.to);
      if (!from || !to) return;
      line.setAttribute("x1", from.canvasPosition.x); line.setAttribute("y1", from.canvasPosition.y);
      line.setAttribute("x2", to.canvasPosition.x); line.setAttribute("y2", to.canvasPosition.y);
    });
  }
  viewer.addEventListener("camera-change", drawLines);
  // counts the models shown (each variant is its own model), so a test can wait for the switch
  viewer.addEventListener("load", () => {
    drawLines();
    document.body.dataset.modelLoaded = String(Number(document.body.dataset.modelLoaded || 0) + 1);
  });
  document.getElementById("show-dims").addEventListener("change", (event) =>
    viewer.classList.toggle("hide-dims", !event.target.checked));

  const select = document.getElementById("store");
  fetch(`/api/v1/stores?lang=${lang}`).then((r) => r.json()).then(({ stores }) => {
    stores.forEach((s) => select.append(new Option(name(s.name), s.code)));
    const asked = new URLSearchParams(location.search).get("store");  // a chat's "where to buy" link
    if (asked && stores.some((s) => s.code === asked)) {
      select.value = asked;
      select.dispatchEvent(new Event("change"));
    }
  });
  select.addEventListener("change", async () => {
    const list = document.getElementById("stock");
    if (!select.value) { list.replaceChildren(); return; }
    const found = await fetch(`/api/v1/stock/nearby?sku=${select.dataset.sku}&store=${select.value}&lang=${lang}`)
      .then((r) => r.json());
    list.replaceChildren(...(found.results?.length ? found.results.slice(0, 5).map((r) =>
      Object.assign(document.createElement("li"),
        { textContent: `${name(r.store.name)} · ${r.distance_km} km · ${r.quantity} ${t.in_stock}` }))
      : [Object.assign(document.createElement("li"), { textContent: t.none_nearby })]));
  });
})();

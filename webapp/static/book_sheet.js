// "Book a consultation" sheet on the makeup and planner pages. It books a free slot for the signed-in
// member and sends along the share codes of the looks and plans the shopper has, so the advisor sees them.
//
// Where the share codes come from (pages tell it without this script knowing their internals):
//   - ?look=<code> or ?plan=<code> in the page's address (a shared look or plan opened here);
//   - any element with a data-share-code attribute when the sheet opens;
//   - a "storelens:share-code" CustomEvent on document with detail {code}, e.g. after saving:
//       document.dispatchEvent(new CustomEvent("storelens:share-code", { detail: { code } }));
// The shopper sees and can edit the codes before booking.
(function () {
  "use strict";
  const words = JSON.parse(document.getElementById("book-sheet-data").textContent);
  const lang = document.documentElement.lang.startsWith("en") ? "en" : "zh";
  const $ = (id) => document.getElementById(id);
  const account = window.StoreLensAccount;
  const codes = new Set();
  const verify = account.wire(document.querySelector("#book-sign-in [data-sign-in]"));
  const address = new URLSearchParams(window.location.search);
  ["look", "plan"].forEach((key) => { if (address.get(key)) codes.add(address.get(key).trim().toUpperCase()); });
  document.addEventListener("storelens:share-code", (event) => {
    if (event.detail && typeof event.detail.code === "string") codes.add(event.detail.code.trim().toUpperCase());
  });

  const api = StoreLensApi(lang);

  const when = new Intl.DateTimeFormat(lang === "en" ? "en-GB" : "zh-CN",
                                       { month: "short", day: "numeric", weekday: "short", hour: "2-digit", minute: "2-digit",
                                         timeZone: "Asia/Shanghai" });  // the store's time, wherever the phone is

  let asked = 0;  // only the latest store/service choice fills the list, however the answers arrive

  async function loadSlots() {
    const slots = $("book-slot"), turn = ++asked;
    slots.replaceChildren();
    if (!$("book-service").value || !$("book-store").value) return;
    const query = `service=${encodeURIComponent($("book-service").value)}&store=${encodeURIComponent($("book-store").value)}`;
    try {
      const found = (await api(`/consultations/slots?${query}`)).slots;
      if (turn !== asked) return;
      found.forEach((s) => slots.append(new Option(when.format(new Date(s.starts_at)), s.id)));
      $("book-error").textContent = found.length ? "" : words.no_slots;
    } catch (error) { $("book-error").textContent = error.message; }
  }

  async function open() {
    document.querySelectorAll("[data-share-code]").forEach((node) => {
      if (node.dataset.shareCode) codes.add(node.dataset.shareCode.trim().toUpperCase());
    });
    $("book-codes").value = [...codes].join(" ");
    $("book-sign-in").hidden = Boolean(account.token());
    $("book-done").textContent = "";
    $("book-sheet").showModal();
    if (!$("book-store").options.length) {
      const [{ stores }, { services }] = await Promise.all([api("/stores"), api("/consultations/services")]);
      stores.forEach((s) => $("book-store").append(new Option(s.name[lang], s.code)));
      services.forEach((s) => $("book-service").append(new Option(s.name[lang], s.code)));
      await loadSlots();
    }
  }

  $("book-open").addEventListener("click", () => { open().catch((e) => { $("book-error").textContent = e.message; }); });
  $("book-store").addEventListener("change", loadSlots);
  $("book-service").addEventListener("change", loadSlots);
  $("book-confirm").addEventListener("click", async (event) => {
    event.preventDefault();
    $("book-error").textContent = "";
    try {
      const token = account.token() || await verify();
      const share = $("book-codes").value.split(/[\s,，]+/).filter(Boolean);
      const booked = await api("/bookings", {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-Member-Token": token },
        body: JSON.stringify({ slot_id: Number($("book-slot").value), name: $("book-name").value, share_codes: share }),
      });
      $("book-done").textContent = words.done.replace("{code}", booked.code);
      $("book-sign-in").hidden = true;
      loadSlots();
    } catch (error) {
      if (error.status === 401) { account.forget(); $("book-sign-in").hidden = false; }
      $("book-error").textContent = error.message;
    }
  });
})();

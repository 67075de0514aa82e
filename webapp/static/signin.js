// Member sign-in by SMS code, shared by the sign-in page and the save dialogs. The token it
// gets is the only key to the member's saved data; it stays in this browser's localStorage.
window.StoreLensAccount = (() => {
  const KEY = "storelens-member-token";
  const lang = document.documentElement.lang.startsWith("en") ? "en" : "zh";
  const post = (path, body) =>
    StoreLensApi(lang)(path, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });

  // Wires one [data-sign-in] box; returns verify(), which resolves to the new token.
  function wire(box) {
    const phone = box.querySelector("[data-phone]"), code = box.querySelector("[data-code]");
    const send = box.querySelector("[data-send-code]"), status = box.querySelector("[data-sign-in-status]");
    send.addEventListener("click", async () => {
      status.textContent = "";
      try {
        const sent = await post("/auth/codes", { phone: phone.value });
        status.textContent = box.dataset.sentText;
        code.focus();
        send.disabled = true;  // the server refuses another code this soon anyway
        setTimeout(() => { send.disabled = false; }, sent.resend_after * 1000);
      } catch (e) { status.textContent = e.message; }
    });
    return async () => {
      const signedIn = await post("/auth/codes/verify", { phone: phone.value, code: code.value });
      localStorage.setItem(KEY, signedIn.member_token);
      return signedIn.member_token;
    };
  }
  // The "save this look" dialog the makeup pages share (#save, #save-dialog, #save-sign-in, ...):
  // signs the shopper in when needed, saves with their consent, and announces the look's share code
  // (book_sheet.js takes it along to a consultation).
  function wireSaveLook(api, lookBody, saved) {
    const $ = (id) => document.getElementById(id);
    const verify = wire(document.querySelector("#save-sign-in [data-sign-in]"));
    $("save").addEventListener("click", () => {
      $("save-error").textContent = "";
      $("save-sign-in").hidden = Boolean(localStorage.getItem(KEY));
      $("save-dialog").showModal();
    });
    $("save-confirm").addEventListener("click", async (event) => {
      event.preventDefault();
      const body = { ...lookBody(), consent: $("save-consent").checked };
      try {
        const token = localStorage.getItem(KEY) || await verify();
        const answer = await api("/looks", { method: "POST",
          headers: { "Content-Type": "application/json", "X-Member-Token": token }, body: JSON.stringify(body) });
        document.dispatchEvent(new CustomEvent("storelens:share-code", { detail: { code: answer.look.share_code } }));
        $("save-dialog").close();
        saved();
      } catch (e) {
        if (e.status === 401) { localStorage.removeItem(KEY); $("save-sign-in").hidden = false; }
        $("save-error").textContent = e.message;
      }
    });
  }

  return { token: () => localStorage.getItem(KEY), forget: () => localStorage.removeItem(KEY), wire, wireSaveLook };
})();

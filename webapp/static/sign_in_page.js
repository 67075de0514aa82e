// The sign-in page: after a verified code, go back where the shopper came from (same site only).
(() => {
  const account = window.StoreLensAccount;
  const $ = (id) => document.getElementById(id);
  const verify = account.wire(document.querySelector("[data-sign-in]"));
  const next = new URLSearchParams(location.search).get("next") || "";
  const showSignedIn = (yes) => { $("sign-in-form").hidden = yes; $("signed-in").hidden = !yes; };
  showSignedIn(Boolean(account.token()));
  $("sign-in-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    $("sign-in-error").textContent = "";
    try {
      await verify();
      if (next.startsWith("/") && !next.startsWith("//")) location.assign(next);
      else showSignedIn(true);
    } catch (e) { $("sign-in-error").textContent = e.message; }
  });
  $("sign-out").addEventListener("click", async () => {
    await fetch("/api/v1/auth/sign-out", { method: "POST", headers: { "X-Member-Token": account.token() } });
    account.forget();
    showSignedIn(false);
  });
})();

// Advisor console: leave a tablet's page for the sign-in form once the session has idled out (the server
// has ended it by then), and ask before a button that cannot be undone (forms with data-confirm).
(function () {
  "use strict";
  const data = document.getElementById("page-data");
  if (data) {
    const page = JSON.parse(data.textContent);
    setTimeout(function () { window.location.assign(page.sign_in_url); }, page.idle_seconds * 1000 + 2000);
  }
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  });
})();

// Jiliang's own behaviour. Loaded as a file: the Content-Security-Policy forbids inline scripts.
(function () {
  "use strict";

  // <select data-autosubmit> submits its form on change (the language switcher).
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.matches && target.matches("select[data-autosubmit]")) {
      target.form.requestSubmit();
    }
  });

  // <form data-confirm="..."> asks before submitting.
  document.addEventListener("submit", function (event) {
    var message = event.target.getAttribute && event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) {
      event.preventDefault();
    }
  });

  // <button data-fill-select="#id" data-value="..."> chooses that option (a suggestion).
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-fill-select]");
    if (!button) return;
    var select = document.querySelector(button.getAttribute("data-fill-select"));
    if (select) {
      select.value = button.getAttribute("data-value");
      select.dispatchEvent(new Event("change", { bubbles: true }));
    }
  });

  // The menu button of the off-canvas sections (small screens) says whether the menu is open.
  ["shown", "hidden"].forEach(function (state) {
    document.addEventListener(state + ".bs.offcanvas", function (event) {
      document.querySelectorAll('[aria-controls="' + event.target.id + '"]').forEach(function (toggle) {
        toggle.setAttribute("aria-expanded", state === "shown" ? "true" : "false");
      });
    });
  });

  // <button data-copy="#id"> copies the text of an element (a new API token).
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-copy]");
    if (!button) return;
    var source = document.querySelector(button.getAttribute("data-copy"));
    if (source && navigator.clipboard) {
      navigator.clipboard.writeText(source.textContent.trim()).then(function () {
        button.classList.add("btn-success");
      });
    }
  });
})();

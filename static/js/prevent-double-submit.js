/* Disables a submit button once its form is sent, so that a double click sends one request.
   The server is idempotent anyway; this only spares people a confusing second page load. */
(function () {
  "use strict";
  document.querySelectorAll("button[data-prevent-double-submit]").forEach(function (button) {
    button.form.addEventListener("submit", function () {
      window.setTimeout(function () { button.disabled = true; }, 0);
    });
  });
})();

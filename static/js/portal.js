/* Behaviour every page shares. Pages work without it; it only helps. */
(function () {
  "use strict";
  // After a form comes back with errors, take keyboard and screen-reader users to the summary.
  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }

  // "Exit this page" (consultation pages): replace this page, so that "back" does not bring it
  // back; the page is blanked at once, before the other site has loaded.
  var exit = document.querySelector("[data-quick-exit]");
  if (exit) {
    var leave = function (event) {
      if (event) { event.preventDefault(); }
      document.body.style.visibility = "hidden";
      document.title = "";
      window.location.replace(exit.href);
    };
    exit.addEventListener("click", leave);
    var presses = [];
    document.addEventListener("keyup", function (event) {
      if (event.key !== "Shift") { presses = []; return; }
      var now = Date.now();
      presses = presses.filter(function (at) { return now - at < 1000; });
      presses.push(now);
      if (presses.length >= 3) { leave(); }
    });
  }
})();

/* Behaviour every page shares. Pages work without it; it only helps. */
(function () {
  "use strict";
  // After a form comes back with errors, take keyboard and screen-reader users to the summary.
  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }
})();

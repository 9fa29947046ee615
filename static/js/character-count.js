/* Live character count for textareas with data-max-chars (progressive enhancement: the
   server enforces the limit; this only tells people how close they are). No inline script. */
(function () {
  "use strict";
  function setUp(area) {
    var limit = parseInt(area.getAttribute("data-max-chars"), 10);
    var status = document.createElement("div");
    status.id = area.id + "_count";
    status.className = "form-text character-count";
    status.setAttribute("aria-live", "polite");
    area.insertAdjacentElement("afterend", status);
    var describedBy = area.getAttribute("aria-describedby");
    area.setAttribute("aria-describedby", (describedBy ? describedBy + " " : "") + status.id);
    var timer = null;
    function update() {
      var left = limit - area.value.length;
      var template = area.getAttribute(left >= 0 ? "data-remaining" : "data-over");
      status.textContent = template.replace("%(count)s", Math.abs(left).toLocaleString());
      status.classList.toggle("text-danger", left < 0);
      status.classList.toggle("fw-bold", left < 0);
    }
    area.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(update, 300);  // let screen readers finish the keystroke
    });
    update();
  }
  document.querySelectorAll("textarea[data-max-chars]").forEach(setUp);
})();

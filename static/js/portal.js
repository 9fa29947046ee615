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
  // The warning before a draft's two hours end (includes/draft_timeout.html): a modal dialog
  // some minutes before, whose button keeps the answers two hours more without leaving the
  // page; when the time has passed, the dialog says so and links to the form.
  var timeout = document.getElementById("draft-timeout");
  if (timeout && typeof timeout.showModal === "function") {
    var keep = timeout.querySelector("form");
    var minutes = timeout.querySelector("[data-minutes]");
    var warnBefore = parseInt(timeout.getAttribute("data-warning-seconds"), 10);
    var timers = [];
    var deadline = 0;
    var returnTo = null;
    var stop = function () { timers.forEach(function (t) { clearTimeout(t); clearInterval(t); }); timers = []; };
    var showMinutes = function () {
      minutes.textContent = String(Math.max(1, Math.ceil((deadline - Date.now()) / 60000)));
    };
    var warn = function () {
      returnTo = document.activeElement;
      showMinutes();
      timers.push(setInterval(showMinutes, 15000));
      timeout.showModal();
    };
    var expire = function () {
      stop();
      timeout.querySelector("[data-warning]").hidden = true;
      // Gone from the server, so gone from the screen too (a shared computer).
      document.querySelectorAll(".check-answers-section").forEach(function (part) { part.hidden = true; });
      var gone = timeout.querySelector("[data-expired]");
      gone.hidden = false;
      timeout.setAttribute("aria-labelledby", "draft-timeout-gone");
      timeout.removeAttribute("aria-describedby");
      if (!timeout.open) { timeout.showModal(); }
      gone.querySelector("h2").focus();
    };
    var start = function (seconds) {
      stop();
      deadline = Date.now() + seconds * 1000;
      timers.push(setTimeout(warn, Math.max(0, seconds - warnBefore) * 1000));
      timers.push(setTimeout(expire, seconds * 1000));
    };
    keep.addEventListener("submit", function (event) {
      event.preventDefault();
      fetch(keep.action, {
        method: "POST",
        body: new FormData(keep),
        headers: { "Accept": "application/json" },
        credentials: "same-origin"
      }).then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      }).then(function (answer) {
        if (!answer.seconds) { expire(); return; }
        timeout.close();
        if (returnTo && returnTo.focus) { returnTo.focus(); }
        start(answer.seconds);
      }).catch(function () { keep.submit(); });  // the plain form does it, with a reload
    });
    // Escape means "not now, keep going", as the button does.
    timeout.addEventListener("cancel", function (event) {
      if (!timeout.querySelector("[data-warning]").hidden) {
        event.preventDefault();
        keep.requestSubmit();
      }
    });
    start(parseInt(timeout.getAttribute("data-seconds"), 10));
  }
})();

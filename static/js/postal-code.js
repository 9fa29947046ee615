/* Postal code to address, offline (core/postal.py: Japan Post's data, by three-digit area).
   Typing a whole code fills the empty address with its prefecture, city and town and says so
   under the field; a code outside Tokyo is named at once. The server checks again. */
(function () {
  "use strict";
  var input = document.querySelector("[data-postal-areas]");
  if (!input || !window.fetch) { return; }
  var address = document.getElementById(input.getAttribute("data-postal-fills"));
  var status = document.getElementById("postal-code-status");
  var areas = {};
  var filled = "";  // what this script put in the address (replaced if the code changes)
  var asked = "";

  var say = function (name, values) {
    var text = input.getAttribute("data-postal-" + name) || "";
    Object.keys(values || {}).forEach(function (key) {
      text = text.replace("%(" + key + ")s", values[key]);
    });
    status.textContent = text;
    status.setAttribute("data-kind", name);
  };

  var area = function (prefix) {
    if (!areas[prefix]) {
      areas[prefix] = fetch(input.getAttribute("data-postal-areas").replace("{}", prefix), {
        credentials: "omit"
      }).then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      });
      areas[prefix].catch(function () { delete areas[prefix]; });
    }
    return areas[prefix];
  };

  var look = function () {
    // Full-width digits and the dashes an IME types, as the server reads them.
    var code = input.value.normalize("NFKC").replace(/[-ー−‐‑–—―\s]/g, "");
    if (!/^[0-9]{7}$/.test(code)) {
      asked = "";
      status.textContent = "";
      return;
    }
    if (code === asked) { return; }
    asked = code;
    area(code.slice(0, 3)).then(function (codes) {
      if (asked !== code) { return; }  // the person typed on meanwhile
      var place = codes[code.slice(3)];
      if (!place) { say("unknown"); return; }
      var name = place.join("");
      if (place[0] !== "東京都") { say("other", { prefecture: place[0] }); return; }
      if (address && (address.value.trim() === "" || address.value === filled)) {
        address.value = filled = name;
        say("filled", { place: name });
      } else {
        say("tokyo", { place: name });
      }
    }).catch(function () { status.textContent = ""; });  // offline: the server checks
  };

  input.addEventListener("input", look);
  input.addEventListener("change", look);
  look();
})();

// Nabij's small progressive enhancements; every page works without JavaScript.
(function () {
  "use strict";
  document.addEventListener("keydown", function (event) {
    if (event.target.closest("input, textarea, select, [contenteditable]")) { return; }
    if (event.key === "/") {
      var search = document.querySelector("[data-nabij-search]");
      if (search) { event.preventDefault(); search.focus(); }
    }
  });
})();

// Nabij's progressive enhancements; every page also works without JavaScript.
(function () {
  "use strict";

  function typingTarget(event) {
    return event.target.closest("input, textarea, select, [contenteditable]");
  }

  // Inbox: j/k move between conversations, Enter opens, / focuses search.
  function inboxRows() {
    return Array.prototype.slice.call(document.querySelectorAll("[data-nabij-row]"));
  }
  var current = -1;
  function focusRow(index) {
    var rows = inboxRows();
    if (!rows.length) { return; }
    current = Math.max(0, Math.min(index, rows.length - 1));
    rows.forEach(function (row, i) { row.classList.toggle("nabij-current", i === current); });
    var link = rows[current].querySelector("a");
    if (link) { link.focus(); }
  }

  function focusById(id) {
    var el = document.getElementById(id);
    if (el) { el.focus(); el.scrollIntoView({block: "center"}); return true; }
    return false;
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || typingTarget(event)) { return; }
    var key = event.key;
    if (key === "/") {
      var search = document.querySelector("[data-nabij-search]");
      if (search) { event.preventDefault(); search.focus(); }
      return;
    }
    if (document.querySelector("[data-nabij-list]")) {
      if (key === "j") { event.preventDefault(); focusRow(current + 1); }
      if (key === "k") { event.preventDefault(); focusRow(current - 1); }
      return;
    }
    // Conversation: r reply, n note, a accept advice, e escalate.
    if (key === "r" && focusById("reply-text")) { event.preventDefault(); }
    if (key === "n" && focusById("note-text")) { event.preventDefault(); }
    if (key === "a") {
      var accept = document.querySelector("[data-nabij-key='a']");
      if (accept) { event.preventDefault(); accept.focus(); }
    }
    if (key === "e") {
      var override = document.querySelector(".nabij-override");
      if (override) {
        event.preventDefault();
        override.open = true;
        var select = override.querySelector("select[name='action']");
        if (select) { select.value = "escaleren"; select.focus(); }
      }
    }
  });

  // Composer: insert a suggestion or template, mark typing for the collision warning.
  function insertReply(text) {
    var area = document.getElementById("reply-text");
    if (!area) { return; }
    area.value = text;
    area.focus();
    area.dispatchEvent(new Event("nabij-insert", {bubbles: true}));
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-nabij-insert]");
    if (button) { insertReply(button.getAttribute("data-nabij-insert")); }
  });
  document.addEventListener("change", function (event) {
    if (event.target.matches("[data-nabij-template]") && event.target.value) {
      insertReply(event.target.value);
    }
  });
  var typingTimer = null;
  document.addEventListener("input", function (event) {
    if (event.target.id !== "reply-text" && event.target.id !== "note-text") { return; }
    var flag = document.getElementById("typing-flag");
    if (!flag) { return; }
    flag.value = "1";
    clearTimeout(typingTimer);
    typingTimer = setTimeout(function () { flag.value = "0"; }, 8000);
  });
})();

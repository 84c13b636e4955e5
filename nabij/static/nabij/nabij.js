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

  // Wide tables scroll in a region of their own instead of widening the page (WCAG 1.4.10);
  // templates may already wrap them in .nabij-scroll, which also works without JavaScript.
  document.querySelectorAll("table.utrecht-table").forEach(function (table, index) {
    if (table.closest(".nabij-scroll")) { return; }
    var wrap = document.createElement("div");
    wrap.className = "nabij-scroll";
    wrap.tabIndex = 0;  // scrollable with the arrow keys
    var caption = table.querySelector("caption");
    if (caption) {
      caption.id = caption.id || "nabij-table-" + index;
      wrap.setAttribute("role", "region");
      wrap.setAttribute("aria-labelledby", caption.id);
    }
    table.parentNode.insertBefore(wrap, table);
    wrap.appendChild(table);
  });

  // Single-key shortcuts can be switched off (WCAG 2.1.4), e.g. for speech input users.
  var SHORTCUTS = "nabij-shortcuts";
  function shortcutsOn() {
    try { return window.localStorage.getItem(SHORTCUTS) !== "off"; } catch (e) { return true; }
  }
  document.querySelectorAll("[data-nabij-shortcuts-setting]").forEach(function (setting) {
    var box = setting.querySelector("[data-nabij-shortcuts-toggle]");
    box.checked = shortcutsOn();
    box.addEventListener("change", function () {
      try { window.localStorage.setItem(SHORTCUTS, box.checked ? "on" : "off"); } catch (e) { /* private mode */ }
    });
    setting.hidden = false;
  });

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || typingTarget(event)) { return; }
    if (!shortcutsOn()) { return; }
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
    // A separate button, not the select's change event: browsing the list with the
    // arrow keys must not overwrite the draft or move the focus (WCAG 3.2.2).
    var from = event.target.closest("[data-nabij-insert-from]");
    var pick = from && document.getElementById(from.getAttribute("data-nabij-insert-from"));
    if (pick && pick.value) { insertReply(pick.value); }
  });
  // Polled regions are live regions: an unchanged answer is not swapped in, so screen
  // readers do not announce the same warning every few seconds.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail.target;
    if (!target || !target.hasAttribute("data-nabij-poll")) { return; }
    var html = event.detail.serverResponse;
    if (target.nabijLastResponse === html) { event.detail.shouldSwap = false; }
    target.nabijLastResponse = html;
  });
  // After "apply suggestions" the textarea is new: give focus back and check the tone again.
  document.addEventListener("htmx:afterSettle", function (event) {
    var source = event.detail && event.detail.requestConfig && event.detail.requestConfig.elt;
    if (!source || !source.hasAttribute("data-nabij-apply")) { return; }
    var area = document.getElementById("reply-text");
    if (!area) { return; }
    area.focus();
    area.dispatchEvent(new Event("nabij-insert", {bubbles: true}));
  });
  var typingTimer = null;
  document.addEventListener("input", function (event) {
    if (event.target.id !== "reply-text" && event.target.id !== "note-text") { return; }
    var flag = document.getElementById("typing-flag");
    if (!flag) { return; }
    var started = flag.value !== "1";
    flag.value = "1";
    // Tell colleagues at once that someone started typing, not only at the next heartbeat.
    var presence = document.getElementById("presence");
    if (started && presence && window.htmx) { window.htmx.trigger(presence, "nabij-typing"); }
    // Longer than a heartbeat, so a colleague's poll cannot miss it; a draft in the
    // reply box still counts as writing a reply.
    clearTimeout(typingTimer);
    typingTimer = setTimeout(function () {
      var area = document.getElementById("reply-text");
      flag.value = area && area.value.trim() ? "1" : "0";
    }, 30000);
  });
})();

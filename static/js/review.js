// Review page: click a highlight to select its figure; J/K move, A accepts, R rejects, E edits.
(function () {
  "use strict";
  var current = null;

  function cards() { return Array.prototype.slice.call(document.querySelectorAll(".mention-card")); }

  function select(id, scroll) {
    document.querySelectorAll(".current").forEach(function (el) { el.classList.remove("current"); });
    var card = document.getElementById("m" + id);
    var mark = document.getElementById("t" + id);
    if (!card) { return; }
    current = id;
    card.classList.add("current");
    if (mark) { mark.classList.add("current"); }
    if (scroll !== false) {
      card.scrollIntoView({ block: "nearest" });
      if (mark) { mark.scrollIntoView({ block: "center" }); }
    }
  }

  function move(step) {
    var list = cards();
    if (!list.length) { return; }
    var index = list.findIndex(function (c) { return c.dataset.mention === String(current); });
    var next = list[Math.max(0, Math.min(list.length - 1, index < 0 ? 0 : index + step))];
    select(next.dataset.mention);
  }

  function press(action) {
    var card = current && document.getElementById("m" + current);
    if (!card) { return; }
    var button = card.querySelector('button[data-action="' + action + '"]');
    if (button) { button.click(); }
  }

  document.addEventListener("click", function (event) {
    var target = event.target.closest("mark.mention, .mention-card");
    if (target) { select(target.dataset.mention, target.tagName === "MARK"); }
  });

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    if (event.target.closest("input, textarea, select, [contenteditable]")) { return; }
    var key = event.key.toLowerCase();
    if (key === "j" || key === "arrowdown") { move(1); }
    else if (key === "k" || key === "arrowup") { move(-1); }
    else if (key === "a") { press("accept"); }
    else if (key === "r") { press("reject"); }
    else if (key === "e") {
      var card = current && document.getElementById("m" + current);
      var details = card && card.querySelector("details");
      if (details) { details.open = true; var input = details.querySelector("input"); if (input) { input.focus(); } }
    } else { return; }
    event.preventDefault();
  });

  // When htmx brings a card back (outerHTML swap), keep it selected and repaint its highlight.
  document.addEventListener("htmx:load", function (event) {
    var card = event.detail.elt;
    if (!card || !card.classList || !card.classList.contains("mention-card")) { return; }
    var mark = document.getElementById("t" + card.dataset.mention);
    if (mark) {
      ["pending", "accepted", "rejected"].forEach(function (state) {
        mark.classList.toggle("review-" + state, card.classList.contains("review-" + state));
      });
    }
    select(card.dataset.mention, false);
  });

  var first = cards()[0];
  if (first) { select(first.dataset.mention, false); }
})();

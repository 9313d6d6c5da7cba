// Fulfill Shipments: Enter in a row's field presses that row's button; the bar counts the selection.
// Every action still works without this file (plain form posts).
(function () {
  "use strict";
  document.querySelectorAll("[data-enter-clicks]").forEach(function (input) {
    input.addEventListener("keydown", function (event) {
      if (event.key !== "Enter") { return; }
      var button = document.querySelector(input.getAttribute("data-enter-clicks"));
      if (button) { event.preventDefault(); button.click(); }
    });
  });

  var form = document.getElementById("queue-form");
  var counter = document.querySelector("[data-selected-count]");
  function recount() {
    if (!form || !counter) { return; }
    var n = form.querySelectorAll('input[name="ids"]:checked').length;
    counter.textContent = n + " selected";
    counter.classList.toggle("some", n > 0);
  }
  if (form) {
    form.addEventListener("change", recount);
    recount();
  }

  document.querySelectorAll("details.deny").forEach(function (details) {
    details.addEventListener("toggle", function () {
      if (details.open) { var input = details.querySelector("input"); if (input) { input.focus(); } }
    });
  });

  // A choice made with the mouse shows at once. With the keyboard, the arrow keys only move through
  // the choices (each would otherwise reload the page); Enter, or leaving the list, shows the one
  // chosen.
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    var shown = select.value;
    var byKey = false;
    function show() { if (select.value !== shown) { shown = select.value; select.form.submit(); } }
    select.addEventListener("pointerdown", function () { byKey = false; });
    select.addEventListener("keydown", function (event) {
      byKey = true;
      if (event.key === "Enter") { event.preventDefault(); show(); }
    });
    select.addEventListener("change", function () { if (!byKey) { show(); } });
    select.addEventListener("blur", show);
  });
})();

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

  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
})();

// Small progressive enhancements; every page works without them.
(function () {
  "use strict";
  // Menus open on hover and on keyboard focus by CSS. Here: aria-expanded follows them, a drop-down
  // that would leave the screen opens to the left, and on touch screens the first tap on a menu's
  // label opens its drop-down (a touch has no hover) while a second tap follows the link.
  var menus = Array.prototype.slice.call(document.querySelectorAll(".menus > .menu"));
  var lastPointer = "";
  function labelOf(menu) { return menu.querySelector(".menu-label"); }
  function fit(menu) {
    var dropdown = menu.querySelector(".dropdown");
    if (!dropdown) { return; }
    dropdown.classList.remove("align-right");
    var box = menu.getBoundingClientRect();
    if (box.left + dropdown.offsetWidth > document.documentElement.clientWidth) {
      dropdown.classList.add("align-right");
    }
  }
  function expanded(menu, isOpen) {
    if (menu.querySelector(".dropdown")) { labelOf(menu).setAttribute("aria-expanded", String(isOpen)); }
  }
  function closeAll(except) {
    menus.forEach(function (menu) {
      if (menu !== except) { menu.classList.remove("open"); expanded(menu, false); }
    });
  }
  menus.forEach(function (menu) {
    var label = labelOf(menu);
    if (!menu.querySelector(".dropdown")) { label.removeAttribute("aria-haspopup"); return; }
    label.setAttribute("aria-expanded", "false");
    menu.addEventListener("mouseenter", function () { fit(menu); expanded(menu, true); });
    menu.addEventListener("mouseleave", function () {
      if (!menu.classList.contains("open") && !menu.contains(document.activeElement)) { expanded(menu, false); }
    });
    menu.addEventListener("focusin", function () { fit(menu); expanded(menu, true); });
    menu.addEventListener("focusout", function (event) {
      if (!menu.contains(event.relatedTarget)) { menu.classList.remove("open"); expanded(menu, false); }
    });
    label.addEventListener("click", function (event) {
      var touch = lastPointer === "touch" || lastPointer === "pen";
      if (touch && !menu.classList.contains("open")) {
        event.preventDefault();
        closeAll(menu);
        fit(menu);
        menu.classList.add("open");
        expanded(menu, true);
      }
    });
  });
  document.addEventListener("pointerdown", function (event) { lastPointer = event.pointerType; }, true);
  document.addEventListener("click", function (event) {
    if (!event.target.closest || !event.target.closest(".menus > .menu")) { closeAll(null); }
  });
  // Escape closes an open drop-down and leaves the focus on its label.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    var menu = document.activeElement && document.activeElement.closest && document.activeElement.closest(".menu");
    closeAll(null);
    if (menu) {
      labelOf(menu).focus();
      menu.classList.add("closed-by-key");
    }
  });
  menus.forEach(function (menu) {
    menu.addEventListener("focusout", function (event) {
      if (!menu.contains(event.relatedTarget)) { menu.classList.remove("closed-by-key"); }
    });
    menu.addEventListener("mouseleave", function () { menu.classList.remove("closed-by-key"); });
  });
  // "Select all" checkboxes: <input type=checkbox data-select-all="name">.
  document.querySelectorAll("[data-select-all]").forEach(function (box) {
    box.addEventListener("change", function () {
      var name = box.getAttribute("data-select-all");
      document.querySelectorAll('input[type=checkbox][name="' + name + '"]').forEach(function (other) {
        other.checked = box.checked;
      });
    });
  });
  // <input data-chooses="selector">: typing in it ticks the radio button the selector names (a
  // quantity typed means "only these quantities").
  document.querySelectorAll("[data-chooses]").forEach(function (input) {
    input.addEventListener("input", function () {
      var choice = input.form && input.form.querySelector(input.getAttribute("data-chooses"));
      if (choice && input.value !== "" && input.value !== "0") { choice.checked = true; }
    });
  });
  // A form or the button pressed with data-confirm asks before submitting. Buttons disable after
  // one submit (no double clicks), except where the answer opens in a new tab (printing): this
  // page stays, and its buttons must keep working.
  document.querySelectorAll("form").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      var button = event.submitter;
      var message = (button && button.getAttribute("data-confirm")) || form.getAttribute("data-confirm");
      if (message && !window.confirm(message)) { event.preventDefault(); return; }
      var target = (button && button.getAttribute("formtarget")) || form.getAttribute("target");
      if (form.hasAttribute("data-no-disable") || target === "_blank") { return; }
      window.setTimeout(function () {
        form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = true; });
      }, 0);
    });
  });
})();

// Scan to hand over: each scan is POSTed with fetch() and answered at once, in colour and with a tone
// made by the Web Audio API (no sound files). Without JavaScript the form posts and the page reloads.
(function () {
  "use strict";
  var form = document.getElementById("scan-form");
  var input = document.getElementById("scan-code");
  var result = document.getElementById("scan-result");
  var log = document.getElementById("scan-log");
  var batches = document.getElementById("batches");
  var template = document.getElementById("batch-template");
  if (!form || !input || !window.fetch) { return; }
  var csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var queue = [];
  var busy = false;
  var audio = null;

  function tone(ok) {
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      var notes = ok ? [[1175, 0, 0.12]] : [[196, 0, 0.22], [147, 0.28, 0.35]];
      notes.forEach(function (note) {
        var start = audio.currentTime + note[1];
        var oscillator = audio.createOscillator();
        var gain = audio.createGain();
        oscillator.type = ok ? "sine" : "square";
        oscillator.frequency.value = note[0];
        gain.gain.setValueAtTime(0.2, start);
        gain.gain.exponentialRampToValueAtTime(0.001, start + note[2]);
        oscillator.connect(gain);
        gain.connect(audio.destination);
        oscillator.start(start);
        oscillator.stop(start + note[2] + 0.02);
      });
    } catch (error) { /* no sound card: the colours still say it */ }
  }

  function show(answer) {
    result.className = "scan-result " + (answer.ok ? "ok" : "refused");
    result.setAttribute("data-tone", answer.ok ? "ok" : "refused");
    result.innerHTML = "";
    var verdict = document.createElement("span");
    verdict.className = "scan-verdict";
    verdict.textContent = answer.ok ? "OK" : "NOT HANDED OVER";
    var message = document.createElement("span");
    message.className = "scan-message";
    message.textContent = answer.message;
    result.appendChild(verdict);
    result.appendChild(message);
    tone(answer.ok);

    var placeholder = log.querySelector("[data-placeholder]");
    if (placeholder) { placeholder.remove(); }
    var entry = document.createElement("li");
    entry.className = answer.ok ? "ok" : "refused";
    var time = new Date().toLocaleTimeString("en-IN", { hour: "2-digit", minute: "2-digit", second: "2-digit" });
    entry.textContent = time + "  " + (answer.code ? answer.code + ": " : "") + answer.message;
    log.insertBefore(entry, log.firstChild);
    if (answer.batches) { showBatches(answer.batches); }
  }

  function money(value) {
    var number = Number(value);
    return "₹" + number.toLocaleString("en-IN", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  }

  function showBatches(list) {
    list.forEach(function (batch) {
      var card = batches.querySelector('[data-batch-id="' + batch.id + '"]');
      if (!card) {
        if (!batch.open || !template) { return; }
        var placeholder = batches.querySelector("[data-placeholder]");
        if (placeholder) { placeholder.remove(); }
        card = template.content.firstElementChild.cloneNode(true);
        card.setAttribute("data-batch-id", batch.id);
        card.querySelector('[data-field="agent"]').textContent = batch.agent;
        var finish = card.querySelector("form.finish");
        if (finish) { finish.action = batches.getAttribute("data-finish-url").replace("/0/", "/" + batch.id + "/"); }
        var ids = card.querySelector('form.manifest input[name="ids"]');
        if (ids) { ids.value = batch.id; }
        batches.insertBefore(card, batches.firstChild);
      }
      card.querySelector('[data-field="parcels"]').textContent = batch.parcels;
      card.querySelector('[data-field="cod"]').textContent = money(batch.cod_total);
    });
  }

  function pump() {
    if (busy || queue.length === 0) { return; }
    busy = true;
    var code = queue.shift();
    var body = new FormData();
    body.append("code", code);
    fetch(form.action, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRFToken": csrf },
    })
      .then(function (response) {
        var type = response.headers.get("Content-Type") || "";
        if (response.redirected && response.url.indexOf("/login") !== -1) {
          throw new Error("you were logged out; reload the page and log in");
        }
        if (type.indexOf("application/json") === -1) {
          throw new Error("the server answered " + response.status + "; reload the page");
        }
        return response.json();
      })
      .then(show)
      .catch(function (error) {
        show({ ok: false, code: code, message: "No answer for " + code + " (" + error.message + "). Scan it again." });
      })
      .then(function () { busy = false; pump(); });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var code = input.value.trim();
    input.value = "";
    input.focus();
    if (code) { queue.push(code); pump(); }
  });

  // Keep the focus in the scan field unless the user went to another field (the finish forms).
  input.addEventListener("blur", function () {
    window.setTimeout(function () {
      var active = document.activeElement;
      if (!active || active === document.body || !active.matches("input, select, textarea, button, a, summary")) {
        input.focus();
      }
    }, 0);
  });
  document.addEventListener("click", function (event) {
    if (!event.target.closest("input, select, textarea, button, a, summary, label")) { input.focus(); }
  });
  window.addEventListener("focus", function () {
    var active = document.activeElement;
    if (!active || active === document.body) { input.focus(); }
  });
  // Scans from here on are answered in place (a scan made before this posts the form instead).
  form.setAttribute("data-ready", "");
})();

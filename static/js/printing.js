// The print job page: poll the job's status and move the progress bar; reload when it ends so the
// download link (or the error and Retry button) shows. Without JavaScript a meta refresh does it.
(function () {
  "use strict";
  var section = document.querySelector(".print-job");
  // A finished job, or one whose worker stopped (the page offers Retry), is not polled.
  if (!section || section.dataset.poll !== "true") { return; }
  var url = section.dataset.statusUrl;
  var bar = document.getElementById("job-progress");
  var done = document.getElementById("job-done");
  var total = document.getElementById("job-total");
  var state = document.getElementById("job-state");
  var delay = 1000;
  function poll() {
    fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) { throw new Error("status " + response.status); }
        return response.json();
      })
      .then(function (job) {
        bar.max = job.total;
        bar.value = job.done;
        bar.textContent = job.percent + "%";
        done.textContent = job.done;
        total.textContent = job.total;
        state.textContent = job.label;
        if (job.finished || job.stale) { window.location.reload(); return; }
        delay = 1000;
        window.setTimeout(poll, delay);
      })
      .catch(function () {
        delay = Math.min(delay * 2, 15000);  // the server is busy or restarting: ask less often
        window.setTimeout(poll, delay);
      });
  }
  window.setTimeout(poll, delay);
})();

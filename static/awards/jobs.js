// Polls a background job's status and moves its progress bar until the job is done or failed.
(function () {
  "use strict";
  function watch(box) {
    var url = box.dataset.jobStatusUrl;
    var bar = box.querySelector("progress");
    var text = box.querySelector("[data-job-text]");
    var status = box.querySelector("[data-job-status]");
    var download = box.querySelector("[data-job-download]");
    var failed = box.querySelector("[data-job-failed]");
    function tick() {
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) { return response.json(); })
        .then(function (job) {
          bar.value = job.percent;
          bar.textContent = job.percent + "%";
          text.textContent = job.done + " / " + job.total + " (" + job.percent + "%)";
          status.textContent = job.status_label;
          box.dataset.jobState = job.status;
          if (job.download_url && download) {
            download.href = job.download_url;
            download.hidden = false;
          }
          if (job.status === "failed" && failed) {
            failed.hidden = false;
          }
          if (job.status !== "done" && job.status !== "failed") {
            window.setTimeout(tick, 1000);
          }
        })
        .catch(function () { window.setTimeout(tick, 3000); });
    }
    tick();
  }
  document.querySelectorAll("[data-job-status-url]").forEach(watch);
})();

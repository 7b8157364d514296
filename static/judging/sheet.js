// Autosave of a judge's draft sheet. The form works without this script (Save draft / Submit buttons);
// with it, every change is saved in the background and the sheet's version is kept current so that the
// server can refuse a save made from a stale copy (another tab) instead of overwriting it.
(function () {
  "use strict";
  var form = document.getElementById("sheet-form");
  if (!form || !form.dataset.autosaveUrl) {
    return;
  }
  var status = document.getElementById("autosave-status");
  var version = form.querySelector('input[name="version"]');
  var timer = null;
  var inflight = false;
  var again = false;
  var submitter = null;

  function say(text) {
    status.textContent = text || "";
  }

  function finish() {
    inflight = false;
    if (again) {
      again = false;
      save();
    } else if (submitter) {
      var button = submitter;
      submitter = null;
      form.requestSubmit(button);
    }
  }

  function save() {
    if (inflight) {
      again = true;
      return;
    }
    inflight = true;
    say(form.dataset.savingMessage);
    fetch(form.dataset.autosaveUrl, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" },
    })
      .then(function (response) {
        return response.json().then(function (body) {
          return { ok: response.ok, body: body };
        });
      })
      .then(function (result) {
        if (result.ok) {
          version.value = result.body.version;
          say(result.body.message);
        } else {
          say(result.body.error || (result.body.errors || []).join(" "));
        }
      })
      .catch(function () {
        say(form.dataset.offlineMessage);
      })
      .then(finish);
  }

  function schedule() {
    window.clearTimeout(timer);
    timer = window.setTimeout(save, 700);
  }

  form.addEventListener("input", schedule);
  form.addEventListener("submit", function (event) {
    window.clearTimeout(timer);
    if (inflight) {
      // Wait for the background save so the form carries the newest version, then submit as the judge asked.
      event.preventDefault();
      submitter = event.submitter || null;
      again = false;
    }
  });
})();

// Alt+→ / Alt+← go to the next / previous innovation of the queue (the links stay the primary way).
(function () {
  "use strict";
  document.addEventListener("keydown", function (event) {
    if (!event.altKey || event.ctrlKey || event.metaKey) {
      return;
    }
    var rel = event.key === "ArrowRight" ? "next" : event.key === "ArrowLeft" ? "prev" : null;
    var link = rel && document.querySelector('a[rel="' + rel + '"]');
    if (link) {
      event.preventDefault();
      link.click();
    }
  });
})();

/* The proposal form: live word counters, background autosave, and a copy on this device so nothing typed is lost.
 *
 * Every change is written to localStorage at once, then POSTed to the autosave endpoint a few seconds after the
 * typing stops (and at least every 15 s while it goes on). If the page is reloaded before the server has the text
 * (an outage, a dead battery), the device copy is put back into the form and sent again.
 */
(function () {
  "use strict";
  var form = document.getElementById("proposal-form");
  if (!form) { return; }
  var status = document.getElementById("autosave-status");
  var key = form.dataset.storageKey;
  var url = form.dataset.autosaveUrl;
  var DEBOUNCE_MS = 2000;
  var MAX_WAIT_MS = 15000;
  var timer = null;
  var firstPending = null;
  var inFlight = false;
  var again = false;

  function fields() {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && el.name !== "csrfmiddlewaretoken" && el.type !== "submit" && el.type !== "file";
    });
  }

  function snapshot() {
    var values = {};
    fields().forEach(function (el) {
      values[el.name] = el.type === "checkbox" ? el.checked : el.value;
    });
    return values;
  }

  function store(dirty) {
    try {
      localStorage.setItem(key, JSON.stringify({ dirty: dirty, values: snapshot(), at: Date.now() }));
    } catch (e) { /* storage full or disabled: the server copy still works */ }
  }

  function say(text) { if (status) { status.textContent = text; } }

  function countWords(text) {
    var trimmed = text.trim();
    return trimmed ? trimmed.split(/\s+/).length : 0;
  }

  function updateCounter(el) {
    var counter = document.getElementById(el.name + "-count");
    if (!counter) { return; }
    var n = countWords(el.value);
    var limit = parseInt(counter.dataset.limit || "0", 10);
    var text = limit ? n + " / " + limit + " " + form.dataset.msgWords : n + " " + form.dataset.msgWords;
    if (limit && n > limit) {
      text += " (" + (n - limit) + " " + form.dataset.msgOver + ")";
      counter.classList.add("text-danger", "fw-semibold");
    } else {
      counter.classList.remove("text-danger", "fw-semibold");
    }
    counter.textContent = text;
  }

  function save() {
    timer = null;
    firstPending = null;
    if (inFlight) { again = true; return; }
    inFlight = true;
    say(form.dataset.msgSaving);
    var data = new FormData(form);
    data.delete("action");
    fetch(url, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "X-CSRFToken": form.querySelector("[name=csrfmiddlewaretoken]").value, "Accept": "application/json" }
    }).then(function (response) {
      if (response.status === 409) { say(form.dataset.msgLocked); store(false); return null; }
      if (!response.ok) { throw new Error("HTTP " + response.status); }
      return response.json();
    }).then(function (body) {
      if (!body) { return; }
      store(false);
      say(form.dataset.msgSaved + " " + body.saved_at);
    }).catch(function () {
      say(form.dataset.msgOffline);
      schedule(MAX_WAIT_MS);
    }).finally(function () {
      inFlight = false;
      if (again) { again = false; schedule(DEBOUNCE_MS); }
    });
  }

  function schedule(delay) {
    var now = Date.now();
    if (firstPending === null) { firstPending = now; }
    if (timer) { clearTimeout(timer); }
    var wait = Math.min(delay, Math.max(0, firstPending + MAX_WAIT_MS - now));
    timer = setTimeout(save, wait);
  }

  function changed(event) {
    if (event.target && event.target.tagName === "TEXTAREA") { updateCounter(event.target); }
    store(true);
    schedule(DEBOUNCE_MS);
  }

  function restore() {
    var saved;
    try { saved = JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { saved = null; }
    if (!saved || !saved.dirty || !saved.values) { return; }
    var restored = false;
    fields().forEach(function (el) {
      if (!(el.name in saved.values)) { return; }
      var value = saved.values[el.name];
      if (el.type === "checkbox") {
        if (el.checked !== value) { el.checked = value; restored = true; }
      } else if (el.value !== value) {
        el.value = value;
        restored = true;
      }
    });
    if (restored) {
      say(form.dataset.msgRestored);
      schedule(0);
    }
  }

  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  // Fields outside the <form> element (the declaration) belong to it through form="proposal-form".
  document.querySelectorAll("[form='proposal-form']").forEach(function (el) {
    el.addEventListener("change", changed);
  });
  form.addEventListener("submit", function () { store(false); });
  document.querySelectorAll("button[form='proposal-form']").forEach(function (button) {
    button.addEventListener("click", function () { if (timer) { clearTimeout(timer); timer = null; } });
  });
  window.addEventListener("online", function () { schedule(0); });
  restore();
  form.querySelectorAll("textarea").forEach(updateCounter);
})();

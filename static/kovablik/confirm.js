// Asks before a destructive or official action: any form with data-confirm="question" (or a submit button with
// data-confirm) needs the user's yes before it is sent. Loaded on every page from base.html; no inline script.
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var button = event.submitter;
    var question = (button && button.getAttribute("data-confirm")) || form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);
})();

// Ceremony screen: reveals one place at a time with the keyboard (right arrow / space / page down), back with left.
(function () {
  "use strict";
  var list = document.querySelector("[data-ceremony]");
  if (!list) { return; }
  var slides = Array.prototype.slice.call(list.querySelectorAll("[data-slide]"));
  var shown = 0;
  function render() {
    slides.forEach(function (slide, index) {
      slide.hidden = index >= shown;
      slide.classList.toggle("is-latest", index === shown - 1);
    });
    document.body.dataset.revealed = String(shown);
  }
  document.addEventListener("keydown", function (event) {
    if (event.key === "ArrowRight" || event.key === " " || event.key === "PageDown" || event.key === "Enter") {
      if (shown < slides.length) { shown += 1; render(); }
      event.preventDefault();
    } else if (event.key === "ArrowLeft" || event.key === "PageUp" || event.key === "Backspace") {
      if (shown > 0) { shown -= 1; render(); }
      event.preventDefault();
    } else if (event.key === "f" || event.key === "F") {
      if (document.fullscreenElement) { document.exitFullscreen(); }
      else if (document.documentElement.requestFullscreen) { document.documentElement.requestFullscreen(); }
    }
  });
  render();
})();

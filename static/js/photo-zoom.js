// Zoom a photo on the volunteer's work page inside its frame (scroll to move around); without JavaScript the
// "open full size" link and the browser's own zoom do the job.
(function () {
  "use strict";
  var LEVELS = [1, 1.5, 2, 3, 4];
  document.querySelectorAll(".work-photo").forEach(function (figure) {
    var frame = figure.querySelector("[data-zoom]");
    var image = frame && frame.querySelector("img");
    var controls = figure.querySelector("[data-zoom-controls]");
    if (!image || !controls) { return; }
    var level = 0;
    controls.hidden = false;
    controls.querySelectorAll("[data-zoom-step]").forEach(function (button) {
      button.addEventListener("click", function () {
        var centreX = (frame.scrollLeft + frame.clientWidth / 2) / frame.scrollWidth;
        var centreY = (frame.scrollTop + frame.clientHeight / 2) / frame.scrollHeight;
        level = Math.min(Math.max(level + Number(button.dataset.zoomStep), 0), LEVELS.length - 1);
        image.style.width = (LEVELS[level] * 100) + "%";
        image.style.maxWidth = "none";
        frame.classList.toggle("zoomed", level > 0);
        frame.scrollLeft = centreX * frame.scrollWidth - frame.clientWidth / 2;
        frame.scrollTop = centreY * frame.scrollHeight - frame.clientHeight / 2;
      });
    });
  });
})();

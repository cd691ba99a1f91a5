// Draw rectangles on a photo to redact or crop it. The rectangles go into the hidden "boxes" field in pixels
// of the stored photo; without JavaScript the numeric fields do the same job for one rectangle.
(function () {
  "use strict";
  var stage = document.querySelector("[data-redact-stage]");
  var field = document.getElementById("photo-boxes");
  if (!stage || !field) { return; }
  var photoW = Number(stage.dataset.width), photoH = Number(stage.dataset.height);
  var count = document.querySelector("[data-redact-count]");
  var boxes = [], start = null, drawing = null;
  document.querySelector("[data-redact-js]").hidden = false;

  function toPhoto(event) {
    var r = stage.getBoundingClientRect();
    var x = Math.min(Math.max(event.clientX - r.left, 0), r.width);
    var y = Math.min(Math.max(event.clientY - r.top, 0), r.height);
    return { x: Math.round(x * photoW / r.width), y: Math.round(y * photoH / r.height) };
  }
  function place(el, b) {
    el.style.left = (100 * b[0] / photoW) + "%";
    el.style.top = (100 * b[1] / photoH) + "%";
    el.style.width = (100 * b[2] / photoW) + "%";
    el.style.height = (100 * b[3] / photoH) + "%";
  }
  function box(a, b) {
    return [Math.min(a.x, b.x), Math.min(a.y, b.y), Math.abs(a.x - b.x), Math.abs(a.y - b.y)];
  }
  function save() {
    field.value = boxes.map(function (b) { return b.join(","); }).join(";");
    count.textContent = boxes.length ? boxes.length + (boxes.length === 1 ? " rectangle" : " rectangles") +
      " drawn." : "";
  }
  function draw(b) {
    var el = document.createElement("div");
    el.className = "redact-box";
    place(el, b);
    stage.appendChild(el);
    return el;
  }
  (field.value ? field.value.split(";") : []).forEach(function (part) {
    var b = part.split(",").map(Number);
    if (b.length === 4) { boxes.push(b); draw(b); }
  });
  save();

  stage.addEventListener("pointerdown", function (event) {
    event.preventDefault();
    stage.setPointerCapture(event.pointerId);
    start = toPhoto(event);
    drawing = draw([start.x, start.y, 0, 0]);
  });
  stage.addEventListener("pointermove", function (event) {
    if (start) { place(drawing, box(start, toPhoto(event))); }
  });
  stage.addEventListener("pointerup", function (event) {
    if (!start) { return; }
    var b = box(start, toPhoto(event));
    start = null;
    if (b[2] < 4 || b[3] < 4) { drawing.remove(); return; }  // a click, not a rectangle
    place(drawing, b);
    boxes.push(b);
    save();
  });
  document.querySelector("[data-redact-clear]").addEventListener("click", function () {
    boxes = [];
    stage.querySelectorAll(".redact-box").forEach(function (el) { el.remove(); });
    save();
  });
})();

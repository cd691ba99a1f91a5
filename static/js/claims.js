/* Mark a claim by selecting words in a photo's text: fills the claim form's text, photo and span.
   Without JavaScript the volunteer types the claim instead; the server finds the span itself. */
(function () {
  "use strict";
  var form = document.getElementById("claim-form");
  if (!form) { return; }
  var text = document.getElementById("claim-text");
  var image = document.getElementById("claim-image");
  var start = document.getElementById("span_start");
  var end = document.getElementById("span_end");

  function offsetIn(source, node, offset) {
    var range = document.createRange();
    range.selectNodeContents(source);
    range.setEnd(node, offset);
    return range.toString().length;
  }

  function useSelection() {
    var selection = window.getSelection();
    if (!selection || selection.rangeCount === 0 || selection.isCollapsed) { return; }
    var range = selection.getRangeAt(0);
    var source = range.commonAncestorContainer;
    while (source && !(source.nodeType === 1 && source.hasAttribute("data-claim-source"))) {
      source = source.parentNode;
    }
    if (!source) { return; }
    var from = offsetIn(source, range.startContainer, range.startOffset);
    var to = offsetIn(source, range.endContainer, range.endOffset);
    var chosen = source.textContent.slice(from, to);
    if (!chosen.trim()) { return; }
    text.value = chosen.replace(/\s+/g, " ").trim();
    start.value = String(from);
    end.value = String(to);
    if (image) { image.value = source.getAttribute("data-image-id"); }
    form.classList.add("has-selection");
  }

  document.querySelectorAll("[data-claim-source]").forEach(function (source) {
    source.addEventListener("mouseup", useSelection);
    source.addEventListener("touchend", function () { window.setTimeout(useSelection, 50); });
    source.addEventListener("keyup", function (event) { if (event.shiftKey) { useSelection(); } });
  });
  text.addEventListener("input", function () { start.value = ""; end.value = ""; });
})();

/* OCR text on the leaflet page: refresh it while OCR runs, and show where each word is on the photo.
   Progressive enhancement: the page is complete without this script (templates/ocr/_image_text.html). */
(function () {
  "use strict";
  if (window.straightChoiceOcr) { return; }
  window.straightChoiceOcr = true;

  var FINISHED = { done: true, failed: true };
  var FIRST_DELAY_MS = 1500, MAX_DELAY_MS = 15000, GIVE_UP_MS = 30 * 60 * 1000;
  var started = Date.now();
  var announcer = null;

  function sections() { return Array.prototype.slice.call(document.querySelectorAll("section.ocr[data-ocr-image]")); }

  function announce(message) {
    if (!announcer) {
      announcer = document.createElement("div");
      announcer.className = "visually-hidden";
      announcer.setAttribute("role", "status");
      announcer.setAttribute("aria-live", "polite");
      document.body.appendChild(announcer);
    }
    announcer.textContent = message;
  }

  /* ---- polling ----------------------------------------------------------------------------------------- */

  function unfinishedUrls() {
    var urls = [];
    sections().forEach(function (section) {
      var url = section.getAttribute("data-ocr-url");
      if (!FINISHED[section.getAttribute("data-ocr-status")] && urls.indexOf(url) < 0) { urls.push(url); }
    });
    /* The uploader's look-alike check still runs: keep asking until it says whether there is a question. */
    var checking = document.querySelector("#same-question[data-same-checking]");
    if (checking && urls.indexOf(checking.getAttribute("data-ocr-url")) < 0) { urls.push(checking.getAttribute("data-ocr-url")); }
    return urls;
  }

  /* "Is this the same leaflet as this one?", shown to the uploader when the background check found one. */
  function showQuestion(question) {
    var slot = document.querySelector("#same-question[data-same-checking]");
    if (!slot) { return; }
    if (!question || (!question.checking && !question.html)) { slot.removeAttribute("data-same-checking"); return; }
    if (!question.html) { return; }
    var template = document.createElement("template");
    template.innerHTML = question.html.trim();  /* server-rendered and escaped */
    var fresh = template.content.firstElementChild;
    if (!fresh) { return; }
    slot.parentNode.replaceChild(fresh, slot);
    announce("A question about your upload: is it the same leaflet as one already in the archive?");
  }

  function replaceSection(image) {
    var old = document.getElementById("ocr-" + image.id);
    if (!old || old.getAttribute("data-ocr-status") === image.status) { return; }
    var template = document.createElement("template");
    template.innerHTML = image.html.trim();  /* server-rendered and escaped */
    var fresh = template.content.firstElementChild;
    if (!fresh) { return; }
    old.parentNode.replaceChild(fresh, old);
    enhance(fresh);
    if (FINISHED[image.status]) {
      var readable = image.text_status === "read" || image.text_status === "corrected";
      var number = image.position + 1;
      announce(image.photo && image.photo.failed ? "Photo " + number + " could not be prepared."
               : readable ? "The text of photo " + number + " is ready."
               : "The text of photo " + number + " could not be read; you can help type it.");
    }
  }

  /* OCR turns a sideways photo upright: new files under new URLs. Show the photo as it is now. */
  function updatePhoto(image) {
    var photo = image.photo;
    if (!photo) { return; }
    var img = document.querySelector('img[data-ocr-photo="' + image.id + '"]');
    if (img && img.getAttribute("src") !== photo.display) {
      img.setAttribute("width", photo.width);
      img.setAttribute("height", photo.height);
      img.setAttribute("src", photo.display);
      if (photo.failed) {
        img.setAttribute("alt", "This photo could not be prepared (photo " + (image.position + 1) + ")");
      }
    }
    document.querySelectorAll('a[data-ocr-photo-link="' + image.id + '"]').forEach(function (link) {
      link.setAttribute("href", photo.master);
    });
    var size = document.querySelector('[data-ocr-photo-size="' + image.id + '"]');
    if (size) { size.textContent = photo.width + " \u00d7 " + photo.height; }
  }

  function poll(delay) {
    var urls = unfinishedUrls();
    if (!urls.length || Date.now() - started > GIVE_UP_MS) { return; }
    window.setTimeout(function () {
      Promise.all(urls.map(function (url) {
        return fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin", cache: "no-store" })
          .then(function (response) { if (!response.ok) { throw new Error(response.status); } return response.json(); })
          .then(function (body) {
            body.images.forEach(function (image) { updatePhoto(image); replaceSection(image); });
            if ("same_question" in body) { showQuestion(body.same_question); }
          });
      })).catch(function () { /* try again later */ }).then(function () {
        poll(Math.min(MAX_DELAY_MS, delay * 1.5));
      });
    }, delay);
  }

  /* ---- word boxes on the photo ------------------------------------------------------------------------- */

  function photoFor(section) {
    var id = section.getAttribute("data-ocr-image");
    var marked = document.querySelector('img[data-ocr-photo="' + id + '"]');
    if (marked) { return marked; }
    for (var node = section.parentElement, depth = 0; node && depth < 3; node = node.parentElement, depth++) {
      var img = node.querySelector("img");
      if (img) { return img; }
    }
    return null;
  }

  function placeBox(word, words, overlay) {
    var photo = photoFor(words.closest("section.ocr"));
    var box = (word.getAttribute("data-box") || "").split(",").map(Number);
    var size = (words.getAttribute("data-image-size") || "").split(",").map(Number);
    if (!photo || box.length !== 4 || !size[0] || !size[1]) { return false; }
    var rect = photo.getBoundingClientRect();
    var sx = rect.width / size[0], sy = rect.height / size[1];
    overlay.style.left = (rect.left + window.scrollX + box[0] * sx - 2) + "px";
    overlay.style.top = (rect.top + window.scrollY + box[1] * sy - 2) + "px";
    overlay.style.width = (box[2] * sx + 4) + "px";
    overlay.style.height = (box[3] * sy + 4) + "px";
    overlay.hidden = false;
    return true;
  }

  /* Words that matched the search that led here stay boxed on the photo. */
  function showHits(words) {
    var hits = Array.prototype.slice.call(words.querySelectorAll(".w.search-hit[data-box]"));
    var boxes = hits.map(function (word) {
      var overlay = document.createElement("div");
      overlay.className = "ocr-box ocr-box-hit";
      overlay.setAttribute("aria-hidden", "true");
      overlay.hidden = true;
      document.body.appendChild(overlay);
      return overlay;
    });
    function place() { hits.forEach(function (word, i) { placeBox(word, words, boxes[i]); }); }
    var photo = photoFor(words.closest("section.ocr"));
    if (photo && !photo.complete) { photo.addEventListener("load", place); }
    place();
    window.addEventListener("resize", place);
  }

  function showBox(word, words, overlay) {
    if (!placeBox(word, words, overlay)) { return; }
    words.querySelectorAll(".w.is-active").forEach(function (other) { other.classList.remove("is-active"); });
    word.classList.add("is-active");
  }

  function hideBox(words, overlay) {
    overlay.hidden = true;
    words.querySelectorAll(".w.is-active").forEach(function (other) { other.classList.remove("is-active"); });
  }

  function enhanceWords(words) {
    var list = Array.prototype.slice.call(words.querySelectorAll(".w[data-box]"));
    if (!list.length) { return; }
    var overlay = document.createElement("div");
    overlay.className = "ocr-box";
    overlay.setAttribute("aria-hidden", "true");
    overlay.hidden = true;
    document.body.appendChild(overlay);
    var section = words.closest("section.ocr");
    var hint = section && section.querySelector(".ocr-hint");
    if (hint) { hint.hidden = false; }
    /* One tab stop for the whole text; arrow keys move between words (a roving tabindex). */
    list.forEach(function (word, index) { word.tabIndex = index === 0 ? 0 : -1; });
    function wordOf(event) { var w = event.target.closest(".w[data-box]"); return w && words.contains(w) ? w : null; }
    words.addEventListener("mouseover", function (event) { var w = wordOf(event); if (w) { showBox(w, words, overlay); } });
    words.addEventListener("mouseleave", function () { if (!words.contains(document.activeElement)) { hideBox(words, overlay); } });
    words.addEventListener("click", function (event) { var w = wordOf(event); if (w) { w.focus(); showBox(w, words, overlay); } });
    words.addEventListener("focusin", function (event) {
      var w = wordOf(event);
      if (!w) { return; }
      list.forEach(function (other) { other.tabIndex = other === w ? 0 : -1; });
      showBox(w, words, overlay);
    });
    words.addEventListener("focusout", function (event) {
      if (!words.contains(event.relatedTarget)) { hideBox(words, overlay); }
    });
    words.addEventListener("keydown", function (event) {
      var w = wordOf(event);
      if (!w) { return; }
      var index = list.indexOf(w), next = null;
      if (event.key === "ArrowRight" || event.key === "ArrowDown") { next = list[index + 1]; }
      else if (event.key === "ArrowLeft" || event.key === "ArrowUp") { next = list[index - 1]; }
      else if (event.key === "Home") { next = list[0]; }
      else if (event.key === "End") { next = list[list.length - 1]; }
      else if (event.key === "Escape") { hideBox(words, overlay); return; }
      if (next) { event.preventDefault(); next.focus(); }
    });
    window.addEventListener("resize", function () {
      var active = words.querySelector(".w.is-active");
      if (active) { showBox(active, words, overlay); }
    });
    showHits(words);
  }

  function enhance(root) {
    root.querySelectorAll(".ocr-words").forEach(enhanceWords);
  }

  function start() {
    sections().forEach(enhance);
    poll(FIRST_DELAY_MS);
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
}());

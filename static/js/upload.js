// Progressive enhancement of /upload: a photo picker that shows what was chosen (thumbnails, names, a role per
// photo, drag and drop), a progress bar, and the "where was it delivered?" question asked as the postcode is typed.
// Without JavaScript the form still works: plain file inputs, and a "Find the constituency" button.
(function () {
  "use strict";
  var ROLES = ["front", "back", "inside", "imprint"];

  function init() {
    var form = document.getElementById("upload-form");
    if (!form || form.dataset.enhanced) { return; }
    form.dataset.enhanced = "1";
    var picker = setupPicker(form);
    setupPlace(form);
    setupSummary();
    form.addEventListener("submit", function (event) {
      if (event.submitter && event.submitter.id === "find-place") {
        event.preventDefault();
        findPlace();
        return;
      }
      if (!picker.files.length && !form.querySelector("input[name=staged]")) { return; }  // the server explains
      event.preventDefault();
      var data = new FormData(form);
      data.delete("images");
      data.delete("roles");
      picker.files.forEach(function (file, index) {
        data.append("images", file, file.name);
        data.append("roles", picker.roles[index]);
      });
      send(form, data);
    });
  }

  function setupPicker(form) {
    var state = { files: [], roles: [] };
    var dropzone = document.getElementById("dropzone");
    var previews = document.getElementById("previews");
    var picked = document.getElementById("picked");
    var kept = document.getElementById("kept-photos");
    dropzone.classList.add("enhanced");

    function add(list) {
      Array.prototype.forEach.call(list, function (file) {
        state.files.push(file);
        state.roles.push(ROLES[Math.min(state.files.length - 1, 2)]);
      });
      render();
    }

    function render() {
      previews.innerHTML = "";
      state.files.forEach(function (file, index) { previews.appendChild(preview(file, index)); });
      var count = state.files.length;
      var text = count ? count + (count === 1 ? " photo" : " photos") + " chosen" : "";
      if (count && kept) { text += ": they replace the photos we kept"; }
      picked.textContent = text ? text + "." : "";
      if (kept) { kept.hidden = count > 0; }
    }

    function preview(file, index) {
      var item = document.createElement("li");
      item.className = "preview";
      var img = document.createElement("img");
      img.alt = "Photo " + (index + 1) + ": " + file.name;
      img.src = URL.createObjectURL(file);
      img.onload = img.onerror = function () { URL.revokeObjectURL(img.src); };
      var name = document.createElement("span");
      name.className = "file-name";
      name.textContent = file.name;
      var label = document.createElement("label");
      label.htmlFor = "role-" + index;
      label.textContent = "Photo " + (index + 1) + " shows the";
      var select = document.createElement("select");
      select.id = "role-" + index;
      ROLES.forEach(function (role) {
        var option = document.createElement("option");
        option.value = role;
        option.textContent = role;
        option.selected = state.roles[index] === role;
        select.appendChild(option);
      });
      select.addEventListener("change", function () { state.roles[index] = select.value; });
      var remove = document.createElement("button");
      remove.type = "button";
      remove.className = "button-secondary button-small";
      remove.textContent = "Remove photo " + (index + 1);
      remove.addEventListener("click", function () {
        state.files.splice(index, 1);
        state.roles.splice(index, 1);
        render();
        document.getElementById("images").focus();
      });
      item.append(img, name, label, select, remove);
      return item;
    }

    form.querySelectorAll("input[type=file]").forEach(function (input) {
      input.addEventListener("change", function () {
        add(input.files);
        input.value = "";  // the list below is the record of what was chosen
      });
    });
    ["dragenter", "dragover"].forEach(function (name) {
      dropzone.addEventListener(name, function (event) { event.preventDefault(); dropzone.classList.add("dragging"); });
    });
    ["dragleave", "drop"].forEach(function (name) {
      dropzone.addEventListener(name, function () { dropzone.classList.remove("dragging"); });
    });
    dropzone.addEventListener("drop", function (event) {
      event.preventDefault();
      add(event.dataTransfer.files);
    });
    return state;
  }

  // The error summary's links take the keyboard to the field itself (a plain anchor only scrolls there).
  function setupSummary() {
    var summary = document.getElementById("error-summary");
    if (!summary) { return; }
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      var field = link && document.getElementById(link.getAttribute("href").slice(1));
      if (!field) { return; }
      event.preventDefault();
      field.focus();
      (field.closest(".field, fieldset") || field).scrollIntoView({ block: "start" });
    });
    summary.focus();
  }

  function send(form, data) {
    var box = document.getElementById("upload-progress");
    var bar = document.getElementById("progress-bar");
    var text = document.getElementById("progress-text");
    var button = document.getElementById("submit-upload");
    box.hidden = false;
    button.disabled = true;
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    xhr.setRequestHeader("Accept", "text/html");
    xhr.setRequestHeader("X-Requested-With", "XMLHttpRequest");
    xhr.upload.addEventListener("progress", function (event) {
      if (event.lengthComputable) {
        var percent = Math.round(100 * event.loaded / event.total);
        bar.value = percent;
        text.textContent = percent < 100 ? percent + "% sent" : "Sent. Saving your leaflet…";
      }
    });
    xhr.addEventListener("load", function () {
      if (xhr.status === 201) {
        location.assign(JSON.parse(xhr.responseText).location);
        return;
      }
      var page = new DOMParser().parseFromString(xhr.responseText, "text/html");
      var main = page.getElementById("main");
      if (main) {
        document.title = page.title;
        document.getElementById("main").innerHTML = main.innerHTML;
        init();  // focuses the new error summary
      }
    });
    xhr.addEventListener("error", function () {
      button.disabled = false;
      text.textContent = "The upload failed: check your connection and try again.";
    });
    xhr.send(data);
  }

  var lookupTimer = null;
  var lastLookup = null;

  function findPlace() {
    var postcode = document.getElementById("postcode");
    var container = document.getElementById("place");
    if (!postcode || !container) { return; }
    var value = postcode.value.trim();
    if (value === lastLookup) { return; }
    lastLookup = value;
    fetch("/upload/place?postcode=" + encodeURIComponent(value), { headers: { "Accept": "text/html" } })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (html !== null && postcode.value.trim() === value) { container.innerHTML = html; }
      })
      .catch(function () { lastLookup = null; /* the server checks the postcode on submit anyway */ });
  }

  function setupPlace(form) {
    var postcode = document.getElementById("postcode");
    var container = document.getElementById("place");
    if (!postcode || !container) { return; }
    lastLookup = postcode.value.trim();
    postcode.addEventListener("change", findPlace);
    postcode.addEventListener("input", function () {
      // Ask as soon as a whole postcode is typed; a part of one waits for the field to be left.
      clearTimeout(lookupTimer);
      if (/^[A-Za-z]{1,2}[0-9][A-Za-z0-9]? ?[0-9][A-Za-z]{2}$/.test(postcode.value.trim())) {
        lookupTimer = setTimeout(findPlace, 300);
      }
    });
    postcode.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); findPlace(); }
    });
    // A constituency picked from "Somewhere else?" replaces the radio answer, and the other way round.
    container.addEventListener("change", function (event) {
      var other = document.getElementById("area-other");
      if (event.target === other && other.value) {
        form.querySelectorAll("#place input[name=area]").forEach(function (radio) { radio.checked = false; });
      } else if (other && event.target.name === "area") {
        other.value = "";
      }
    });
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();

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
      if (!picker.entries.length && !form.querySelector("input[name=staged]")) { return; }  // the server explains
      event.preventDefault();
      send(form, picker.formData(form));
    });
  }

  // The photos in one list: those the server keeps for this form (its signed list, #kept-list without
  // JavaScript) and those chosen here, each with a thumbnail, its name, a role and a remove button. New ones are
  // added after the kept ones, up to the form's photo limit; the list is shown front first, as it is published.
  function setupPicker(form) {
    var state = { entries: [], kept: [], skipped: 0 };
    var max = Number(form.dataset.maxImages) || 20;
    var dropzone = document.getElementById("dropzone");
    var previews = document.getElementById("previews");
    var picked = document.getElementById("picked");
    var keptBox = document.getElementById("kept-photos");
    var keptList = document.getElementById("kept-list");
    var nextKey = 0;
    dropzone.classList.add("enhanced");
    if (keptList) {
      keptList.querySelectorAll("li[data-position]").forEach(function (item) {
        var entry = {
          key: nextKey++, kept: Number(item.dataset.position), name: item.dataset.name,
          role: item.dataset.role, src: item.querySelector("img").src, removed: false
        };
        state.kept.push(entry);
        state.entries.push(entry);
      });
      keptList.remove();  // the list below shows them, with any photo added
    }

    // A new photo's role until the voter picks one, as the server gives it: the front when no photo before it
    // is, then the back, then an inside page (a photo replacing a removed front becomes the front).
    function settleRoles() {
      var taken = state.kept.filter(function (entry) { return !entry.removed; }).map(function (entry) {
        return entry.role;
      });
      state.entries.forEach(function (entry) {
        if (entry.file && !entry.chosen) {
          entry.role = taken.indexOf("front") < 0 ? "front" : taken.indexOf("back") < 0 ? "back" : "inside";
        }
        if (entry.file) { taken.push(entry.role); }
      });
    }

    function add(list) {
      state.skipped = 0;
      Array.prototype.forEach.call(list, function (file) {
        if (state.entries.length >= max) { state.skipped += 1; return; }
        state.entries.push({ key: nextKey++, file: file, name: file.name, role: "", chosen: false });
      });
      render();
    }

    // Front first; the others keep their order (kept ones first, then new ones as added), as the server does.
    function ordered() {
      var front = state.entries.filter(function (entry) { return entry.role === "front"; });
      return front.concat(state.entries.filter(function (entry) { return entry.role !== "front"; }));
    }

    function render(quiet) {
      settleRoles();
      previews.innerHTML = "";
      ordered().forEach(function (entry, index) { previews.appendChild(preview(entry, index)); });
      var count = state.entries.length;
      var kept = state.kept.filter(function (entry) { return !entry.removed; }).length;
      var text = count ? count + (count === 1 ? " photo" : " photos") : "";
      if (count && state.kept.length) {
        text += ": " + [kept ? kept + " kept" : "", count > kept ? count - kept + " new" : ""].filter(Boolean).join(", ");
      } else if (count) {
        text += " chosen";
      }
      text = text ? text + "." : "";
      if (state.skipped) {
        text += " A leaflet can have at most " + max + " photos: " + state.skipped +
          (state.skipped === 1 ? " was" : " were") + " not added.";
      }
      if (!quiet) { picked.textContent = text.trim(); }
      if (keptBox) {
        keptBox.hidden = kept === 0;
        keptBox.querySelector("p").textContent = "We kept your " + kept + (kept === 1 ? " photo" : " photos") +
          ": photos you choose now are added to " + (kept === 1 ? "it." : "them.");
      }
    }

    function preview(entry, index) {
      var item = document.createElement("li");
      item.className = "preview";
      var img = document.createElement("img");
      img.alt = "Photo " + (index + 1) + (entry.name ? ": " + entry.name : "");
      if (entry.file) {
        img.src = URL.createObjectURL(entry.file);
        img.onload = img.onerror = function () { URL.revokeObjectURL(img.src); };
      } else {
        img.src = entry.src;
      }
      var name = document.createElement("span");
      name.className = "file-name";
      name.textContent = entry.name || "";
      if (entry.file === undefined) {
        var tag = document.createElement("span");
        tag.className = "kept-tag";
        tag.textContent = "kept";
        name.append(" ", tag);
      }
      var label = document.createElement("label");
      label.htmlFor = "role-" + entry.key;
      label.textContent = "Photo " + (index + 1) + " shows the";
      var select = document.createElement("select");
      select.id = "role-" + entry.key;
      ROLES.forEach(function (role) {
        var option = document.createElement("option");
        option.value = role;
        option.textContent = role;
        option.selected = entry.role === role;
        select.appendChild(option);
      });
      select.addEventListener("change", function () {
        entry.role = select.value;
        entry.chosen = true;
        // The list is drawn again (a front moves first; other new photos' default roles follow): the keyboard
        // stays on this photo's role.
        render(true);
        document.getElementById(select.id).focus();
      });
      var remove = document.createElement("button");
      remove.type = "button";
      remove.className = "button-secondary button-small";
      remove.textContent = "Remove photo " + (index + 1);
      remove.addEventListener("click", function () {
        state.entries.splice(state.entries.indexOf(entry), 1);
        entry.removed = true;
        state.skipped = 0;
        render();
        document.getElementById("images").focus();
      });
      item.append(img, name, label, select, remove);
      return item;
    }

    // The form's fields with this list in place of the file inputs: new photos with their roles, and for the
    // kept ones their roles and which are removed (positions in the signed list).
    state.formData = function (target) {
      var data = new FormData(target);
      ["images", "roles", "kept_roles", "remove"].forEach(function (name) { data.delete(name); });
      state.entries.forEach(function (entry) {
        if (entry.file) {
          data.append("images", entry.file, entry.file.name);
          data.append("roles", entry.chosen ? entry.role : "");  // else the server's default, as shown
        }
      });
      state.kept.forEach(function (entry) {
        data.append("kept_roles", entry.role);
        if (entry.removed) { data.append("remove", String(entry.kept)); }
      });
      return data;
    };

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
    render(true);  // the page's own text says what it kept; the live region speaks of changes
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

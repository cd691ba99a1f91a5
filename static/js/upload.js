// Progressive enhancement of /upload: previews with a role per photo, drag and drop, a progress bar,
// and a postcode lookup that offers the constituencies of a split district. Without JS the form still works.
(function () {
  "use strict";
  var ROLES = ["front", "back", "inside", "imprint"];

  function init() {
    var form = document.getElementById("upload-form");
    if (!form || form.dataset.enhanced) { return; }
    form.dataset.enhanced = "1";
    var files = [];
    var roles = [];
    var previews = document.getElementById("previews");
    var inputs = [document.getElementById("images"), document.getElementById("camera")];
    var dropzone = document.getElementById("dropzone");

    function addFiles(list) {
      Array.prototype.forEach.call(list, function (file) {
        files.push(file);
        roles.push(ROLES[Math.min(files.length - 1, 2)]);
      });
      render();
    }

    function render() {
      previews.innerHTML = "";
      files.forEach(function (file, index) {
        var item = document.createElement("li");
        item.className = "preview";
        var img = document.createElement("img");
        img.alt = "Photo " + (index + 1);
        img.src = URL.createObjectURL(file);
        img.onload = function () { URL.revokeObjectURL(img.src); };
        var label = document.createElement("label");
        label.htmlFor = "role-" + index;
        label.textContent = "Photo " + (index + 1) + " shows the";
        var select = document.createElement("select");
        select.id = "role-" + index;
        ROLES.forEach(function (role) {
          var option = document.createElement("option");
          option.value = role;
          option.textContent = role;
          option.selected = roles[index] === role;
          select.appendChild(option);
        });
        select.addEventListener("change", function () { roles[index] = select.value; });
        var remove = document.createElement("button");
        remove.type = "button";
        remove.className = "button-secondary button-small";
        remove.textContent = "Remove photo " + (index + 1);
        remove.addEventListener("click", function () {
          files.splice(index, 1);
          roles.splice(index, 1);
          render();
        });
        item.append(img, label, select, remove);
        previews.appendChild(item);
      });
    }

    inputs.forEach(function (input) {
      if (!input) { return; }
      input.addEventListener("change", function () {
        addFiles(input.files);
        input.value = "";
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
      addFiles(event.dataTransfer.files);
    });

    form.addEventListener("submit", function (event) {
      if (!files.length && !form.querySelector("input[name=staged]")) { return; }
      event.preventDefault();
      var data = new FormData(form);
      data.delete("images");
      data.delete("roles");
      files.forEach(function (file, index) {
        data.append("images", file, file.name);
        data.append("roles", roles[index]);
      });
      send(form, data);
    });

    setupPostcodeLookup();
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
        document.getElementById("main").innerHTML = main.innerHTML;
        init();
        var summary = document.getElementById("error-summary");
        if (summary) { summary.focus(); }
      }
    });
    xhr.addEventListener("error", function () {
      button.disabled = false;
      text.textContent = "The upload failed: check your connection and try again.";
    });
    xhr.send(data);
  }

  function setupPostcodeLookup() {
    var postcode = document.getElementById("postcode");
    var container = document.getElementById("area-choices");
    var select = document.getElementById("area");
    if (!postcode || !container || !select) { return; }
    postcode.addEventListener("change", function () {
      container.innerHTML = "";
      var value = postcode.value.trim();
      if (!value) { return; }
      fetch("/api/v1/postcodes/" + encodeURIComponent(value)).then(function (response) {
        return response.ok ? response.json() : null;
      }).then(function (body) {
        if (!body || body.areas.length < 2) {
          if (body && body.areas.length === 1) { select.value = body.areas[0].gss; }
          return;
        }
        var note = document.createElement("p");
        note.className = "hint";
        note.textContent = body.district + " covers " + body.areas.length + " constituencies: choose yours.";
        container.appendChild(note);
        body.areas.forEach(function (area, index) {
          var row = document.createElement("div");
          row.className = "radio";
          var radio = document.createElement("input");
          radio.type = "radio";
          radio.name = "area-choice";
          radio.id = "choice-" + area.gss;
          radio.value = area.gss;
          radio.addEventListener("change", function () { select.value = area.gss; });
          if (index === 0) { radio.checked = true; select.value = area.gss; }
          var label = document.createElement("label");
          label.htmlFor = radio.id;
          label.textContent = area.name + " (" + Math.round(area.share * 100) + "%)";
          row.append(radio, label);
          container.appendChild(row);
        });
      }).catch(function () { /* the server checks the postcode on submit anyway */ });
    });
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();

// Turn the constituency <select> (650 options: the way without JavaScript) into a text box with type-ahead
// over the same names. The box sends the name; the server accepts a name or a GSS code.
(function () {
  "use strict";
  document.querySelectorAll("[data-area-picker]").forEach(function (wrapper, index) {
    var select = wrapper.querySelector("select");
    var label = wrapper.querySelector("label");
    if (!select || !label) { return; }
    var list = document.createElement("datalist");
    list.id = "area-names-" + index;
    Array.prototype.forEach.call(select.options, function (option) {
      if (!option.value) { return; }  // "No change": an empty box says the same
      var item = document.createElement("option");
      item.value = option.textContent;
      list.appendChild(item);
    });
    var input = document.createElement("input");
    input.type = "text";
    input.id = select.id + "-name";
    input.name = select.name;
    input.autocomplete = "off";
    input.setAttribute("list", list.id);
    input.setAttribute("aria-describedby", select.getAttribute("aria-describedby") || "");
    var chosen = select.options[select.selectedIndex];
    input.value = chosen && chosen.value ? chosen.textContent : "";
    label.htmlFor = input.id;
    var hint = wrapper.querySelector(".hint");
    if (hint) { hint.textContent = "Type a few letters of the constituency's name, then pick it from the list."; }
    select.removeAttribute("name");
    select.hidden = true;
    select.parentNode.insertBefore(input, select);
    select.parentNode.insertBefore(list, select);
  });
})();

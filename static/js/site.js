// Small progressive enhancements; every page works without this file.
(function () {
  "use strict";
  // Show the chosen file names on batch upload buttons.
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!input || input.type !== "file" || !input.multiple) return;
    var label = input.closest("label");
    if (label && input.files.length) {
      label.firstChild.textContent = input.files.length + " photo" + (input.files.length > 1 ? "s" : "") + " chosen ";
    }
  });
})();

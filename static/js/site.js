// Small progressive enhancements; every page works without this file.
(function () {
  "use strict";
  // Send a form when a select marked data-submit-on-change changes (the language switch):
  // an inline onchange= would be blocked by the Content-Security-Policy.
  document.addEventListener("change", function (event) {
    var select = event.target;
    if (select && select.matches && select.matches("select[data-submit-on-change]") && select.form) {
      select.form.submit();
    }
  });
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

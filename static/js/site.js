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
  // A form marked data-submit-once (paying, cancelling) disables its buttons once sent, so a
  // double click posts once; the server is safe either way.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form || !form.matches || !form.matches("form[data-submit-once]")) return;
    if (form.dataset.sent) {
      event.preventDefault();
      return;
    }
    form.dataset.sent = "1";
    window.setTimeout(function () {
      form.querySelectorAll("button[type=submit]").forEach(function (button) {
        button.disabled = true;
      });
    }, 0);
  });
  // Say how many photos a batch upload button holds, in the page's language: the template
  // gives the sentences (data-chosen-one, data-chosen-other with {count}).
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!input || input.type !== "file" || !input.multiple) return;
    var label = input.closest("label");
    var count = input.files.length;
    if (label && count) {
      var sentence = count === 1 ? label.dataset.chosenOne : label.dataset.chosenOther;
      if (sentence) label.firstChild.textContent = sentence.replace("{count}", count) + " ";
    }
  });
})();

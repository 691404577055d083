// A form sent back with errors: the keyboard focus goes to the error summary, whose links
// lead to each field (GOV.UK pattern). Nothing else depends on this script.
(function () {
  "use strict";
  var summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
  }
})();

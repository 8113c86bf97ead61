// Progressive enhancement only: every control also works as a plain form or link.
document.documentElement.classList.add("js");
(function () {
  var form = document.getElementById("search-form");
  if (!form) return;
  var q = form.elements.q;
  var sort = form.elements.sort;
  var sortChanged = false;
  function submit() {
    // A new filter set starts again at page 1 (the page field is never in the form).
    if (form.requestSubmit) form.requestSubmit(); else form.submit();
  }
  form.querySelectorAll(".facet input[type=checkbox], select[name=sort], input[type=date]").forEach(function (el) {
    el.addEventListener("change", function () {
      if (el === sort) sortChanged = true;
      submit();
    });
  });
  form.addEventListener("submit", function () {
    // With no words the server lists newest first, and the form shows that. Words typed
    // on such a page should get the server's default order (relevance), not "newest".
    if (sort && q && !sortChanged && !q.defaultValue.trim() && q.value.trim() && sort.value === "newest") {
      sort.disabled = true;
    }
    // Drop empty fields so URLs stay short and shareable.
    form.querySelectorAll("input, select").forEach(function (el) {
      if (!el.value && el.name) el.disabled = true;
    });
  });
  // Back/forward cache can restore a page with fields still disabled by the code above.
  window.addEventListener("pageshow", function () {
    form.querySelectorAll("input, select").forEach(function (el) { el.disabled = false; });
  });
})();

// Progressive enhancement only: every control also works as a plain form or link.
document.documentElement.classList.add("js");
(function () {
  var form = document.getElementById("search-form");
  if (!form) return;
  function submit() {
    // A new filter set starts again at page 1 (the page field is never in the form).
    if (form.requestSubmit) form.requestSubmit(); else form.submit();
  }
  form.querySelectorAll(".facet input[type=checkbox], select[name=sort], input[type=date]").forEach(function (el) {
    el.addEventListener("change", submit);
  });
  form.addEventListener("submit", function () {
    // Drop empty fields so URLs stay short and shareable.
    form.querySelectorAll("input, select").forEach(function (el) {
      if (!el.value && el.name) el.disabled = true;
    });
  });
  // The search box is one line: browsers turn a pasted line break into a space (or drop
  // it), which splits a word hyphenated at the end of a line ("infor-\nmation"). Join
  // such words as the server's analyzer does, and make other line breaks spaces.
  var q = document.getElementById("q");
  if (q) q.addEventListener("paste", function (event) {
    var text = event.clipboardData && event.clipboardData.getData("text/plain");
    if (!text || !/[\r\n]/.test(text)) return;
    event.preventDefault();
    text = text.replace(/(\p{L})-[ \t]*\r?\n[ \t]*(?=\p{L})/gu, "$1").replace(/\s*[\r\n]+\s*/g, " ");
    var start = q.selectionStart, end = q.selectionEnd;
    q.setRangeText(text, start, end, "end");
  });
  // Back/forward cache can restore a page with fields still disabled by the code above.
  window.addEventListener("pageshow", function () {
    form.querySelectorAll("input, select").forEach(function (el) { el.disabled = false; });
  });
})();

// "Back to search" returns to the results page the reader came from (filters, sort, page),
// not just to the words; without JavaScript, or from elsewhere, it keeps the words only.
(function () {
  var back = document.querySelector(".back a");
  if (!back || !document.referrer) return;
  var from, target;
  try { from = new URL(document.referrer); target = new URL(back.href); } catch (e) { return; }
  if (from.origin === location.origin && from.pathname === target.pathname &&
      from.searchParams.get("q") === target.searchParams.get("q")) {
    back.href = from.pathname + from.search;
  }
})();

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
    form.querySelectorAll("input, select, textarea").forEach(function (el) {
      if (!el.value && el.name) el.disabled = true;
    });
  });
  // The search box is a one-row textarea so that a pasted line break survives (an <input>
  // turns it into a space, splitting "infor-\nmation"). Enter searches, Shift+Enter adds
  // a line, and the box grows with its text up to its CSS max-height.
  var q = document.getElementById("q");
  if (q && q.tagName === "TEXTAREA") {
    var fit = function () {
      q.style.height = "auto";
      var borders = q.offsetHeight - q.clientHeight;
      q.style.height = (q.scrollHeight + borders) + "px";
      q.style.overflowY = q.scrollHeight + borders > q.offsetHeight ? "auto" : "hidden";
    };
    q.addEventListener("keydown", function (event) {
      if (event.key !== "Enter" || event.shiftKey || event.isComposing || event.keyCode === 229) return;
      event.preventDefault();
      submit();
    });
    // The long placeholder (with syntax hints) is cut off in a narrow box (375 px phones):
    // there, show the short one. Measured with the box's own font, on load and on resize.
    var long = q.getAttribute("placeholder"), short = q.getAttribute("data-short-placeholder");
    var ruler = document.createElement("canvas").getContext("2d");
    var fitPlaceholder = function () {
      if (!short || !ruler) return;
      var style = getComputedStyle(q);
      ruler.font = style.fontStyle + " " + style.fontWeight + " " + style.fontSize + " " + style.fontFamily;
      var room = q.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
      q.setAttribute("placeholder", ruler.measureText(long).width <= room ? long : short);
    };
    q.addEventListener("input", fit);
    window.addEventListener("resize", function () { fitPlaceholder(); fit(); });
    fitPlaceholder();
    fit();
  }
  // Back/forward cache can restore a page with fields still disabled by the code above.
  window.addEventListener("pageshow", function () {
    form.querySelectorAll("input, select, textarea").forEach(function (el) { el.disabled = false; });
  });
})();

// "Back to search" returns to the results page the reader came from (filters, sort, page),
// not just to the words; without JavaScript, or from elsewhere, it keeps the words only.
(function () {
  var back = document.querySelector(".back a");
  if (!back || !document.referrer) return;
  var from, target;
  try { from = new URL(document.referrer); target = new URL(back.href); } catch (e) { return; }
  // Same words up to whitespace: a form sends the box's line breaks as CRLF, links LF.
  var words = function (url) { return (url.searchParams.get("q") || "").replace(/\s+/g, " ").trim(); };
  if (from.origin === location.origin && from.pathname === target.pathname && words(from) === words(target)) {
    back.href = from.pathname + from.search;
  }
})();

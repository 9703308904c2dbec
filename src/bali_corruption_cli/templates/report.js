/* bcc report: search and facet filters over the records. The page is whole without it. */
(function () {
  "use strict";
  var form = document.getElementById("filters");
  var status = document.getElementById("status");
  if (!form || !status) { return; }
  var search = document.getElementById("q");
  var selects = Array.prototype.slice.call(form.querySelectorAll("select[data-facet]"));
  var sections = Array.prototype.slice.call(document.querySelectorAll("section.collection"));
  var fold = function (text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  };
  var facet = function (el, name) {
    try {
      var values = JSON.parse(el.getAttribute("data-" + name) || "[]");
      return Array.isArray(values) ? values.map(String) : [];
    } catch (e) {
      return [];
    }
  };
  var records = Array.prototype.slice.call(document.querySelectorAll("article.record")).map(function (el) {
    var entry = { el: el, text: fold(el.textContent || ""), facets: {} };
    selects.forEach(function (s) { entry.facets[s.name] = facet(el, s.name); });
    return entry;
  });
  var total = records.length;

  function apply() {
    var words = fold(search.value).split(/\s+/).filter(Boolean);
    var wanted = selects.filter(function (s) { return s.value; });
    var shown = 0;
    records.forEach(function (r) {
      var ok = words.every(function (w) { return r.text.indexOf(w) !== -1; }) &&
        wanted.every(function (s) { return r.facets[s.name].indexOf(s.value) !== -1; });
      r.el.hidden = !ok;
      if (ok) { shown += 1; }
    });
    sections.forEach(function (section) {
      var all = section.querySelectorAll("article.record").length;
      var visible = section.querySelectorAll("article.record:not([hidden])").length;
      var none = section.querySelector(".none");
      var count = section.querySelector(".count");
      if (none) { none.hidden = visible > 0; }
      if (count) { count.textContent = visible === all ? "(" + all + ")" : "(" + visible + " of " + all + ")"; }
    });
    status.textContent = shown === total
      ? "Showing all " + total + " records."
      : "Showing " + shown + " of " + total + " records.";
  }

  function clear() {
    search.value = "";
    selects.forEach(function (s) { s.value = ""; });
    apply();
  }

  // A link to a record the filters hide shows every record again.
  function reveal() {
    var id = decodeURIComponent(window.location.hash.slice(1));
    var target = id ? document.getElementById(id) : null;
    if (target && target.closest("article.record[hidden]")) {
      clear();
      target.scrollIntoView();
    }
  }

  form.addEventListener("input", apply);
  form.addEventListener("change", apply);
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  form.addEventListener("reset", function (event) { event.preventDefault(); clear(); });
  window.addEventListener("hashchange", reveal);
  form.hidden = false;
  apply();
}());

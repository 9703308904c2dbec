/* bcc report: search and filters over the records, kept in the address (#sector=private&q=...).
   The page is whole without it. The search forgives what bcc's search forgives: case, accents,
   dashes, and a near miss of a word of four letters or more (a typo: "whistelblower"). */
(function () {
  "use strict";
  var form = document.getElementById("filters");
  var status = document.getElementById("status");
  if (!form || !status) { return; }
  var search = document.getElementById("q");
  var selects = Array.prototype.slice.call(form.querySelectorAll("select[data-facet]"));
  var sections = Array.prototype.slice.call(document.querySelectorAll("section.collection"));
  var KEYS = ["q"].concat(selects.map(function (s) { return s.name; }));

  // Case, accents, dashes and runs of space folded (as bcc's fold), one character at a time
  // so that a match can be found again in the original text.
  function foldChar(ch) {
    return ch.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/[\s_\-\u2010-\u2015]/g, " ");
  }
  function fold(text) {
    var out = "";
    for (var i = 0; i < text.length; i += 1) { out += foldChar(text[i]); }
    return out;
  }
  function wordsOf(folded) { return folded.match(/[0-9a-z]+/g) || []; }

  // difflib's ratio (Ratcliff/Obershelp): twice the matching characters over both lengths.
  function matching(a, b) {
    var best = 0, ai = 0, bj = 0;
    for (var i = 0; i < a.length; i += 1) {
      for (var j = 0; j < b.length; j += 1) {
        var k = 0;
        while (i + k < a.length && j + k < b.length && a[i + k] === b[j + k]) { k += 1; }
        if (k > best) { best = k; ai = i; bj = j; }
      }
    }
    if (best === 0) { return 0; }
    return best + matching(a.slice(0, ai), b.slice(0, bj)) + matching(a.slice(ai + best), b.slice(bj + best));
  }
  function near(token, word) {
    if (token.length < 4 || Math.abs(token.length - word.length) > 2) { return false; }
    return 2 * matching(token, word) / (token.length + word.length) >= 0.8;
  }
  // Does the token match this text: a word of it, inside a word (3 letters or more), or a near miss?
  function tokenMatches(token, entry) {
    if (entry.words[token]) { return true; }
    if (token.length >= 3 && entry.text.indexOf(token) !== -1) { return true; }
    if (token.length < 4) { return false; }
    for (var w in entry.words) {
      if (near(token, w)) { return true; }
    }
    return false;
  }

  function facet(el, name) {
    try {
      var values = JSON.parse(el.getAttribute("data-" + name) || "[]");
      return Array.isArray(values) ? values.map(String) : [];
    } catch (e) {
      return [];
    }
  }
  var records = Array.prototype.slice.call(document.querySelectorAll("article.record")).map(function (el) {
    var text = fold(el.textContent || "");
    var entry = { el: el, text: text, words: Object.create(null), facets: {} };
    wordsOf(text).forEach(function (w) { entry.words[w] = true; });
    selects.forEach(function (s) { entry.facets[s.name] = facet(el, s.name); });
    return entry;
  });
  var total = records.length;

  // ---------------------------------------------------------------- highlighting

  function unmark() {
    Array.prototype.slice.call(document.querySelectorAll("details[data-opened-by-search]")).forEach(function (d) {
      d.open = false;
      d.removeAttribute("data-opened-by-search");
    });
    Array.prototype.slice.call(document.querySelectorAll("mark.hit")).forEach(function (m) {
      var parent = m.parentNode;
      parent.replaceChild(document.createTextNode(m.textContent), m);
      parent.normalize();
    });
  }

  // The spans of a text node's text that match a token, as [start, end) in the original text.
  function spans(text, tokens) {
    var folded = "", at = [];
    for (var i = 0; i < text.length; i += 1) {
      var f = foldChar(text[i]);
      for (var k = 0; k < f.length; k += 1) { at.push(i); }
      folded += f;
    }
    at.push(text.length);
    var found = [];
    var re = /[0-9a-z]+/g, m;
    var words = [];
    while ((m = re.exec(folded)) !== null) { words.push([m.index, m.index + m[0].length, m[0]]); }
    tokens.forEach(function (token) {
      words.forEach(function (w) {
        var inside = token.length >= 3 ? w[2].indexOf(token) : (w[2] === token ? 0 : -1);
        if (inside !== -1) {
          found.push([at[w[0] + inside], at[w[0] + inside + token.length]]);
        } else if (near(token, w[2])) {
          found.push([at[w[0]], at[w[1]]]);
        }
      });
    });
    found.sort(function (a, b) { return a[0] - b[0]; });
    var merged = [];
    found.forEach(function (s) {
      var last = merged[merged.length - 1];
      if (last && s[0] <= last[1]) { last[1] = Math.max(last[1], s[1]); } else { merged.push([s[0], s[1]]); }
    });
    return merged;
  }

  function mark(el, tokens) {
    var walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    var nodes = [];
    while (walker.nextNode()) { nodes.push(walker.currentNode); }
    nodes.forEach(function (node) {
      var text = node.nodeValue;
      var found = spans(text, tokens);
      if (!found.length) { return; }
      var frag = document.createDocumentFragment(), pos = 0;
      found.forEach(function (s) {
        if (s[0] > pos) { frag.appendChild(document.createTextNode(text.slice(pos, s[0]))); }
        var hit = document.createElement("mark");
        hit.className = "hit";
        hit.textContent = text.slice(s[0], s[1]);
        frag.appendChild(hit);
        pos = s[1];
      });
      if (pos < text.length) { frag.appendChild(document.createTextNode(text.slice(pos))); }
      node.parentNode.replaceChild(frag, node);
    });
    // a match inside a closed passage or reason: opened, to be closed again with the next search
    Array.prototype.slice.call(el.querySelectorAll("mark.hit")).forEach(function (m) {
      for (var d = m.closest("details"); d; d = d.parentElement && d.parentElement.closest("details")) {
        if (!d.open) {
          d.open = true;
          d.setAttribute("data-opened-by-search", "");
        }
      }
    });
  }

  // ---------------------------------------------------------------- the address

  function stateFromHash() {
    var hash = window.location.hash.slice(1);
    if (hash.indexOf("=") === -1) { return null; }
    var params = new URLSearchParams(hash), state = {};
    KEYS.forEach(function (k) { state[k] = params.get(k) || ""; });
    return state;
  }

  function setControls(state) {
    search.value = state.q || "";
    selects.forEach(function (s) {
      var wanted = state[s.name] || "";
      var known = Array.prototype.some.call(s.options, function (o) { return o.value === wanted; });
      s.value = known ? wanted : "";
    });
  }

  function writeHash() {
    var params = new URLSearchParams();
    if (search.value.trim()) { params.set("q", search.value.trim()); }
    selects.forEach(function (s) { if (s.value) { params.set(s.name, s.value); } });
    var query = params.toString();
    var current = window.location.hash.slice(1);
    if (!query && current.indexOf("=") === -1) { return; }  // an anchor (#r-...) stays
    if (query === current) { return; }
    var url = window.location.pathname + window.location.search + (query ? "#" + query : "");
    try {
      window.history.replaceState(null, "", url);
    } catch (e) {
      window.location.hash = query;
    }
  }

  // ---------------------------------------------------------------- filtering

  function apply() {
    var tokens = wordsOf(fold(search.value));
    var wanted = selects.filter(function (s) { return s.value; });
    var shown = 0;
    unmark();
    records.forEach(function (r) {
      var ok = tokens.every(function (t) { return tokenMatches(t, r); }) &&
        wanted.every(function (s) { return r.facets[s.name].indexOf(s.value) !== -1; });
      r.el.hidden = !ok;
      if (ok) {
        shown += 1;
        if (tokens.length) { mark(r.el, tokens); }
      }
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
    document.getElementById("clear").disabled = !tokens.length && !wanted.length && !search.value;
    writeHash();
  }

  function clear() {
    setControls({});
    apply();
  }

  // A link to a record the filters hide shows every record again; an address with filters sets them.
  function follow() {
    var state = stateFromHash();
    if (state) {
      setControls(state);
      apply();
      return;
    }
    var id = decodeURIComponent(window.location.hash.slice(1));
    var target = id ? document.getElementById(id) : null;
    if (target && target.closest("article.record[hidden]")) {
      var anchor = window.location.hash;
      setControls({});
      apply();
      if (window.location.hash !== anchor) { window.history.replaceState(null, "", anchor); }
      target.scrollIntoView();
    }
  }

  search.addEventListener("input", apply);
  form.addEventListener("change", apply);
  form.addEventListener("submit", function (event) { event.preventDefault(); apply(); });
  form.addEventListener("reset", function (event) { event.preventDefault(); clear(); });
  window.addEventListener("hashchange", follow);
  form.hidden = false;
  var initial = stateFromHash();
  if (initial) { setControls(initial); }
  apply();
}());

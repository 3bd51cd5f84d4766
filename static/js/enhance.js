/* Progressive enhancement only: every page works without this file.

   Live filters: when a filter form marked data-enhance="live-filter" changes, fetch the results
   fragment and put the new address in the history, so the URL stays shareable and the Back button
   returns to the previous filters (the form and the results follow the address on popstate).

   Facets: a list of checkboxes marked data-enhance="facet" that carries a hidden text box gets the
   box shown; typing in it narrows the list to the values whose name contains the text. */
(function () {
  "use strict";

  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase().trim();
  }

  Array.prototype.forEach.call(document.querySelectorAll('[data-enhance="facet"]'), function (facet) {
    var finder = facet.querySelector(".facet-find");
    if (!finder) { return; }
    var input = finder.querySelector("input");
    var none = facet.querySelector(".facet-none");
    var items = Array.prototype.slice.call(facet.querySelectorAll(".facet-options li"));
    finder.hidden = false;
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); }  // not a submission of the whole form
    });
    input.addEventListener("input", function () {
      var wanted = fold(input.value);
      var shown = 0;
      items.forEach(function (item) {
        var box = item.querySelector("input");
        var name = fold(item.querySelector(".facet-label").textContent);
        var keep = !wanted || name.indexOf(wanted) !== -1 || box.checked;
        item.hidden = !keep;
        if (keep) { shown += 1; }
      });
      if (none) { none.hidden = shown > 0; }
    });
  });
})();

(function () {
  "use strict";
  var forms = document.querySelectorAll('form[data-enhance="live-filter"]');
  if (!forms.length || !window.fetch || !window.URLSearchParams || !window.history.pushState) { return; }

  Array.prototype.forEach.call(forms, function (form) {
    var target = document.querySelector(form.getAttribute("data-target"));
    if (!target) { return; }
    var heading = document.getElementById(target.getAttribute("aria-labelledby") || "results-heading");
    var timer = null;
    var controller = null;
    var typingIn = null;  // the text box whose typing made the current history entry
    var shown = window.location.search;
    /* A list (sort) the address does not name shows its first option; it stays out of the address
       until the reader chooses, so that the server's default (which may depend on a search) applies. */
    var unchosen = {};
    function noteUnchosen(params) {
      Array.prototype.forEach.call(form.querySelectorAll("select:not([multiple])"), function (select) {
        if (select.name) { unchosen[select.name] = !params.has(select.name); }
      });
    }
    noteUnchosen(new URLSearchParams(window.location.search));

    function named(element) { return element.name && !element.disabled; }

    function addressOf() {
      var params = new URLSearchParams(new FormData(form));
      Array.from(params.keys()).forEach(function (key) {
        if (params.get(key) === "" || unchosen[key]) { params.delete(key); }
      });
      return form.action + (params.toString() ? "?" + params.toString() : "");
    }

    /* Set every control of the form to what ``params`` say; false if the form cannot show them all
       (a value it has no control for), in which case the page is loaded instead. */
    function follow(params) {
      var shownByForm = {};
      Array.prototype.forEach.call(form.elements, function (element) {
        if (!element.name) { return; }
        var values = params.getAll(element.name);
        var mark = function (value) { shownByForm[element.name + "=" + value] = true; };
        if (element.type === "checkbox" || element.type === "radio") {
          element.checked = values.indexOf(element.value) !== -1;
          mark(element.value);
        } else if (element.type === "hidden") {
          element.disabled = values.indexOf(element.value) === -1;
          mark(element.value);
        } else if (element.tagName === "SELECT") {
          var chosen = false;
          Array.prototype.forEach.call(element.options, function (option) {
            option.selected = values.indexOf(option.value) !== -1;
            chosen = chosen || option.selected;
            mark(option.value);
          });
          if (!chosen && !element.multiple) { element.selectedIndex = 0; }
        } else if (element.tagName !== "BUTTON") {
          element.value = values.length ? values[0] : "";
          if (values.length) { mark(values[0]); }
        }
      });
      /* A block that only carries hidden values (who takes part) goes when none of them is kept. */
      Array.prototype.forEach.call(form.querySelectorAll(".active-filters"), function (block) {
        block.hidden = !block.querySelector('input[type="hidden"]:not(:disabled)');
      });
      noteUnchosen(params);
      var complete = true;
      params.forEach(function (value, key) {
        if (key !== "page" && !shownByForm[key + "=" + value]) { complete = false; }
      });
      return complete;
    }

    /* The language switcher leads to this page in another language with the same filters: it follows the
       address that live filtering changed. */
    function keepLanguageLinks() {
      Array.prototype.forEach.call(document.querySelectorAll(".language-switcher a"), function (link) {
        var address = new URL(link.href, window.location.href);
        address.search = window.location.search;
        link.href = address.pathname + address.search;
      });
    }

    function load(url, history) {
      if (controller) { controller.abort(); }
      controller = new AbortController();
      target.setAttribute("aria-busy", "true");
      return fetch(url, { headers: { "X-Requested-With": "fetch" }, signal: controller.signal })
        .then(function (response) { return response.text(); })
        .then(function (html) {
          target.innerHTML = html;
          target.removeAttribute("aria-busy");
          if (history === "push") {
            window.history.pushState({ liveFilter: true }, "", url);
          } else if (history === "replace") {
            window.history.replaceState({ liveFilter: true }, "", url);
          }
          shown = window.location.search;
          keepLanguageLinks();
        })
        .catch(function (error) {
          if (error.name === "AbortError") { return; }
          if (history === "none") { window.location.reload(); } else { window.location.assign(url); }
        });
    }

    function changed(source) {
      var url = addressOf();
      var next = new URL(url, window.location.href);
      if (next.pathname === window.location.pathname && next.search === window.location.search) { return; }
      var typing = source && (source.type === "search" || source.type === "text");
      var history = typing && typingIn === source ? "replace" : "push";
      typingIn = typing ? source : null;
      load(url, history);
    }

    window.history.replaceState({ liveFilter: true }, "", window.location.href);

    form.addEventListener("change", function (event) {
      if (!named(event.target)) { return; }
      if (event.target.tagName === "SELECT") { unchosen[event.target.name] = false; }
      clearTimeout(timer);
      timer = setTimeout(function () { changed(event.target); }, 150);
    });
    form.addEventListener("input", function (event) {
      var source = event.target;
      if (!named(source) || (source.type !== "search" && source.type !== "text")) { return; }
      clearTimeout(timer);
      timer = setTimeout(function () { changed(source); }, 400);
    });

    /* Links in the results that change the filters (remove one, clear all): the form follows. */
    target.addEventListener("click", function (event) {
      var link = event.target.closest ? event.target.closest("a[data-live-link]") : null;
      if (!link || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) { return; }
      if (!follow(new URL(link.href, window.location.href).searchParams)) { return; }
      event.preventDefault();
      typingIn = null;
      load(link.href, "push").then(function () { if (heading) { heading.focus(); } });
    });

    window.addEventListener("popstate", function () {
      if (window.location.search === shown) { return; }  // only the fragment (#…) changed
      clearTimeout(timer);
      typingIn = null;
      if (!follow(new URLSearchParams(window.location.search))) { window.location.reload(); return; }
      load(window.location.href, "none");
    });
  });
})();

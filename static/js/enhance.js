/* Progressive enhancement only: every page works without this file.
   Live filters: when a filter form marked data-enhance="live-filter" changes,
   fetch the results fragment and update the address bar, so the URL stays shareable. */
(function () {
  "use strict";
  var forms = document.querySelectorAll('form[data-enhance="live-filter"]');
  Array.prototype.forEach.call(forms, function (form) {
    var target = document.querySelector(form.getAttribute("data-target"));
    if (!target || !window.fetch || !window.URLSearchParams) { return; }
    var timer = null;
    var controller = null;
    function refresh() {
      var params = new URLSearchParams(new FormData(form));
      Array.from(params.keys()).forEach(function (key) { if (params.get(key) === "") { params.delete(key); } });
      var url = form.action + (params.toString() ? "?" + params.toString() : "");
      if (controller) { controller.abort(); }
      controller = new AbortController();
      target.setAttribute("aria-busy", "true");
      fetch(url, { headers: { "X-Requested-With": "fetch" }, signal: controller.signal })
        .then(function (response) { return response.text(); })
        .then(function (html) {
          target.innerHTML = html;
          target.removeAttribute("aria-busy");
          window.history.replaceState(null, "", url);
        })
        .catch(function (error) { if (error.name !== "AbortError") { form.submit(); } });
    }
    form.addEventListener("change", function () { clearTimeout(timer); timer = setTimeout(refresh, 150); });
    form.addEventListener("input", function (event) {
      if (event.target.type === "search" || event.target.type === "text") { clearTimeout(timer); timer = setTimeout(refresh, 400); }
    });
  });
})();

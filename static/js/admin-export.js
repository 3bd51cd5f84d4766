/* The admin's export page: "Select all" ticks or clears every field. django-import-export binds this
   with an inline onchange attribute, which the admin's Content-Security-Policy refuses. */
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll(".select-toggle").forEach(function (toggle) {
    toggle.addEventListener("change", onSelectToggleChange);
  });
});

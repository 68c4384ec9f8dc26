// The browser's time zone, so pages show times in it (the server reads the
// cookie; a zone chosen on My profile wins).
(function () {
  try {
    var tz = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (tz && document.cookie.indexOf("entitled_tz=" + encodeURIComponent(tz)) < 0) {
      document.cookie = "entitled_tz=" + encodeURIComponent(tz) + "; path=/; max-age=31536000; samesite=lax";
    }
  } catch (e) { /* no Intl: the server's zone */ }
})();

// Optional enhancement: a "select all" checkbox on request tables. Without
// JavaScript the "Select all" link reloads the page with every row checked.
document.addEventListener("DOMContentLoaded", function () {
  var all = document.getElementById("select-all");
  if (!all) return;
  var rows = Array.prototype.slice.call(document.querySelectorAll("input.row-check:not(:disabled)"));
  var link = document.querySelector(".select-all-link");
  all.hidden = false;
  if (link) link.hidden = true;
  function sync() {
    var n = rows.filter(function (r) { return r.checked; }).length;
    all.checked = n > 0 && n === rows.length;
    all.indeterminate = n > 0 && n < rows.length;
  }
  all.addEventListener("change", function () {
    rows.forEach(function (r) { r.checked = all.checked; });
    sync();
  });
  rows.forEach(function (r) { r.addEventListener("change", sync); });
  sync();
});

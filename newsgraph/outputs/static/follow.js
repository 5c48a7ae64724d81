// What arrived since this browser's last visit: the home page shows the latest build's documents;
// this asks the server for those added after the newest one this browser was shown, then remembers it.
(function () {
  "use strict";
  var box = document.getElementById("arrivals");
  if (!box || !window.fetch) { return; }
  var KEY = "newsgraph-seen";
  var latest = box.getAttribute("data-latest");
  var seen = null;
  try { seen = window.localStorage.getItem(KEY); } catch (e) { return; }
  function remember() {
    try { if (latest) { window.localStorage.setItem(KEY, latest); } } catch (e) { /* private mode: nothing kept */ }
  }
  if (!seen) { remember(); return; }
  fetch("/arrivals?since=" + encodeURIComponent(seen), { headers: { "Accept": "text/html" } })
    .then(function (r) { return r.ok ? r.text() : null; })
    .then(function (html) { if (html !== null) { box.innerHTML = html; } remember(); })
    .catch(function () { /* the server's list stays */ });
}());

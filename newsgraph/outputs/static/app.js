// newsgraph: highlight toggles, pan/zoom and downloads for the SVG pictures, folded documents. Written for this project; no libraries.
(function () {
  document.querySelectorAll("input.toggle[data-layer]").forEach(function (box) {
    box.addEventListener("change", function () {
      document.body.classList.toggle("off-" + box.dataset.layer, !box.checked);
    });
  });
  document.querySelectorAll(".zoomable svg").forEach(function (svg) {
    svg.dataset.viewBox = svg.getAttribute("viewBox");
    var vb = svg.viewBox.baseVal, start = null, moved = false;
    svg.addEventListener("wheel", function (ev) {
      ev.preventDefault();
      var k = ev.deltaY < 0 ? 0.85 : 1 / 0.85, r = svg.getBoundingClientRect();
      var px = vb.x + (ev.clientX - r.left) / r.width * vb.width, py = vb.y + (ev.clientY - r.top) / r.height * vb.height;
      vb.x = px - (px - vb.x) * k; vb.y = py - (py - vb.y) * k; vb.width *= k; vb.height *= k;
    }, { passive: false });
    svg.addEventListener("pointerdown", function (ev) { start = [ev.clientX, ev.clientY, vb.x, vb.y]; moved = false; });
    svg.addEventListener("pointermove", function (ev) {
      if (!start) return;
      var r = svg.getBoundingClientRect(), dx = ev.clientX - start[0], dy = ev.clientY - start[1];
      if (Math.abs(dx) + Math.abs(dy) > 4) moved = true;
      vb.x = start[2] - dx * vb.width / r.width; vb.y = start[3] - dy * vb.height / r.height;
    });
    window.addEventListener("pointerup", function () { start = null; });
    svg.addEventListener("click", function (ev) { if (moved) { ev.preventDefault(); moved = false; } }, true);
  });

  // Download the picture above the buttons as it was first drawn (not as panned or zoomed), as SVG or PNG.
  function save(blob, name) {
    var a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = name;
    document.body.appendChild(a);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
  }
  function pictureFor(button) {
    var el = button.closest(".downloads").previousElementSibling;
    return el && el.querySelector("svg");
  }
  document.querySelectorAll("button.download").forEach(function (button) {
    button.addEventListener("click", function () {
      var svg = pictureFor(button);
      if (!svg) return;
      var copy = svg.cloneNode(true);
      copy.setAttribute("viewBox", svg.dataset.viewBox || svg.getAttribute("viewBox"));
      copy.setAttribute("xmlns", "http://www.w3.org/2000/svg");
      var text = new XMLSerializer().serializeToString(copy), name = button.dataset.name || "newsgraph";
      if (button.dataset.format === "svg") {
        save(new Blob([text], { type: "image/svg+xml" }), name + ".svg");
        return;
      }
      var box = copy.viewBox.baseVal, scale = 2, img = new Image();
      img.onload = function () {
        var canvas = document.createElement("canvas");
        canvas.width = Math.round(box.width * scale); canvas.height = Math.round(box.height * scale);
        var ctx = canvas.getContext("2d");
        ctx.fillStyle = "#ffffff"; ctx.fillRect(0, 0, canvas.width, canvas.height);
        ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
        canvas.toBlob(function (blob) { save(blob, name + ".png"); }, "image/png");
      };
      img.src = "data:image/svg+xml;charset=utf-8," + encodeURIComponent(text);
    });
  });

  // A link to a sentence inside a folded document unfolds it first.
  function unfold() {
    if (!location.hash) return;
    var target = document.getElementById(decodeURIComponent(location.hash.slice(1)));
    for (var el = target; el; el = el.parentElement) { if (el.tagName === "DETAILS") el.open = true; }
    if (target) target.scrollIntoView();
  }
  window.addEventListener("hashchange", unfold);
  unfold();
})();

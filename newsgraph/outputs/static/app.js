// newsgraph: highlight toggles and pan/zoom for the SVG pictures. Written for this project; no libraries.
(function () {
  document.querySelectorAll("input.toggle[data-layer]").forEach(function (box) {
    box.addEventListener("change", function () {
      document.body.classList.toggle("off-" + box.dataset.layer, !box.checked);
    });
  });
  document.querySelectorAll(".zoomable svg").forEach(function (svg) {
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
})();

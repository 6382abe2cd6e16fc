// The trafficking route on a map (Leaflet). The same stops are listed in the table, so the page works without it.
(function () {
  "use strict";
  var box = document.getElementById("route-map");
  var data = document.getElementById("route-points");
  if (!box || !data || typeof L === "undefined") {
    if (box) box.hidden = true;
    return;
  }
  var points = JSON.parse(data.textContent);
  var map = L.map(box, { scrollWheelZoom: false });
  // No base map unless a tile server is configured (MAP_TILE_URL): a third party would learn where staff look.
  if (box.dataset.tiles) {
    L.tileLayer(box.dataset.tiles, { maxZoom: 12, attribution: "© OpenStreetMap" }).addTo(map);
  }
  var line = [];
  points.forEach(function (p, i) {
    var latlng = [p.lat, p.lng];
    line.push(latlng);
    var text = document.createElement("span");
    text.textContent = (i + 1) + ". " + p.label;
    L.marker(latlng, { title: text.textContent }).addTo(map).bindPopup(text);
  });
  if (line.length > 1) {
    L.polyline(line, { color: "#b00020", weight: 3 }).addTo(map);
    map.fitBounds(L.latLngBounds(line).pad(0.3));
  } else {
    map.setView(line[0], 8);
  }
})();

/*
 * Maps of tips, with the vendored Leaflet (static/vendor/leaflet). Pages work without this script: the map
 * containers stay hidden and the tips (or the latitude/longitude inputs) are there as plain HTML.
 *
 * [data-tips-map]     staff: markers read from a json_script element (id in data-markers); a solid marker is
 *                     the point the tipster marked, a hollow circle the centre of the town named.
 * [data-point-picker] public tip form: tapping the map fills the latitude and longitude inputs (ids in
 *                     data-lat-input / data-lon-input); typing in them moves the marker.
 * The base map comes from data-tile-url; without tiles (offline) the markers still show on a blank map.
 */
(function () {
  "use strict";
  if (!window.L) return; // Leaflet did not load: the page stays usable without the map

  function baseMap(element, center, zoom) {
    element.hidden = false;
    var map = window.L.map(element, { scrollWheelZoom: false }).setView(center, zoom);
    var tiles = element.dataset.tileUrl;
    if (tiles) {
      window.L.tileLayer(tiles, {
        maxZoom: 18,
        attribution: "&copy; OpenStreetMap contributors",
      }).addTo(map);
    }
    return map;
  }

  function popup(marker) {
    var box = document.createElement("div");
    var link = document.createElement("a");
    link.href = "#" + marker.anchor;
    link.textContent = marker.code; // text, never HTML
    box.appendChild(link);
    var details = [marker.status, marker.place].filter(Boolean).join(" · ");
    if (details) {
      box.appendChild(document.createElement("br"));
      box.appendChild(document.createTextNode(details));
    }
    return box;
  }

  function tipsMap(element) {
    var source = document.getElementById(element.dataset.markers);
    var markers = source ? JSON.parse(source.textContent) : [];
    if (!markers.length) return;
    var map = baseMap(element, [markers[0].lat, markers[0].lon], 12);
    var bounds = [];
    markers.forEach(function (m) {
      var layer = m.approximate
        ? window.L.circleMarker([m.lat, m.lon], { radius: 10, fill: false, weight: 3 })
        : window.L.marker([m.lat, m.lon], { title: m.code, alt: m.code });
      layer.bindPopup(popup(m)).addTo(map);
      bounds.push([m.lat, m.lon]);
    });
    if (bounds.length > 1) map.fitBounds(bounds, { padding: [24, 24], maxZoom: 15 });
  }

  function pointPicker(element) {
    var latInput = document.getElementById(element.dataset.latInput);
    var lonInput = document.getElementById(element.dataset.lonInput);
    if (!latInput || !lonInput) return;
    var hasCenter = element.dataset.centerLat && element.dataset.centerLon;
    var center = hasCenter ? [Number(element.dataset.centerLat), Number(element.dataset.centerLon)] : [19.43, -99.13];
    var map = baseMap(element, center, hasCenter ? 12 : 5);
    var marker = null;

    function place(lat, lon, pan) {
      if (marker) marker.setLatLng([lat, lon]);
      else marker = window.L.marker([lat, lon]).addTo(map);
      if (pan) map.panTo([lat, lon]);
    }

    function fromInputs() {
      var lat = parseFloat(latInput.value);
      var lon = parseFloat(lonInput.value);
      if (isFinite(lat) && isFinite(lon) && Math.abs(lat) <= 90 && Math.abs(lon) <= 180) place(lat, lon, true);
    }

    map.on("click", function (event) {
      latInput.value = event.latlng.lat.toFixed(6);
      lonInput.value = event.latlng.wrap().lng.toFixed(6);
      place(event.latlng.lat, event.latlng.wrap().lng, false);
    });
    latInput.addEventListener("change", fromInputs);
    lonInput.addEventListener("change", fromInputs);
    fromInputs();
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-tips-map]"), tipsMap);
    Array.prototype.forEach.call(document.querySelectorAll("[data-point-picker]"), pointPicker);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();

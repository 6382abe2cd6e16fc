/*
 * The maps page: Leaflet layers drawn from the app's own GeoJSON endpoints (counts only), with a legend.
 * Without this script (or without Leaflet) the page still has the filters and the same figures as tables.
 * The base map comes from the configured tile URL; with none (offline, tests) the layers draw on a blank map.
 */
(function () {
  "use strict";
  var L = window.L;
  if (!L) return;

  var PALETTE = ["#fee5d9", "#fcae91", "#fb6a4a", "#de2d26", "#a50f15"];
  var ZERO = "#f2f2f2";
  var ROUTE = "#5b2a86";

  function breaks(values) {
    // Up to five classes between 1 and the largest count, spaced geometrically (counts are very skewed).
    var max = Math.max.apply(null, values.concat([0]));
    if (max <= 0) return [];
    if (max <= PALETTE.length) {
      var small = [];
      for (var v = 1; v <= max; v++) small.push(v);
      return small;
    }
    var out = [];
    for (var i = 1; i <= PALETTE.length; i++) {
      var edge = Math.ceil(Math.pow(max, i / PALETTE.length));
      if (out.indexOf(edge) === -1) out.push(edge);
    }
    return out;
  }

  function colour(n, edges) {
    if (!n) return ZERO;
    // Fewer classes than colours take the darker end, so that the largest count is always the darkest.
    for (var i = 0; i < edges.length; i++) if (n <= edges[i]) return PALETTE[PALETTE.length - edges.length + i];
    return PALETTE[PALETTE.length - 1];
  }

  function text(parent, tag, content, className) {
    var element = document.createElement(tag);
    element.textContent = content; // text, never HTML
    if (className) element.className = className;
    parent.appendChild(element);
    return element;
  }

  function cases(labels, n) {
    // Every language of the interface (es, en, pt) has one form for 1 and one for the rest.
    return n === 1 ? labels.oneCase : labels.manyCases.replace("%(n)s", String(n));
  }

  function popup(lines, url, linkLabel) {
    var box = document.createElement("div");
    lines.forEach(function (line, i) {
      if (i) box.appendChild(document.createElement("br"));
      box.appendChild(document.createTextNode(line));
    });
    if (url) {
      box.appendChild(document.createElement("br"));
      var link = text(box, "a", linkLabel);
      link.href = url;
    }
    return box;
  }

  function init(element) {
    var source = document.getElementById(element.dataset.map);
    if (!source) return;
    var config = JSON.parse(source.textContent);
    var labels = config.labels;
    element.hidden = false;
    var map = L.map(element, { scrollWheelZoom: false, minZoom: 2, maxZoom: 12 }).setView([15, -80], 3);
    if (config.tiles) {
      L.tileLayer(config.tiles, { maxZoom: 18, attribution: "&copy; OpenStreetMap contributors" }).addTo(map);
    }
    var groups = {
      subdivisions: L.featureGroup().addTo(map),
      hexagons: L.featureGroup(),
      routes: L.featureGroup(),
    };
    var overlays = {};
    overlays[labels.subdivisions] = groups.subdivisions;
    overlays[labels.hexagons] = groups.hexagons;
    overlays[labels.routes] = groups.routes;
    L.control.layers(null, overlays, { collapsed: false }).addTo(map);

    var legend = L.control({ position: "bottomright" });
    var legendBox;
    legend.onAdd = function () {
      legendBox = L.DomUtil.create("div", "map-legend");
      L.DomEvent.disableClickPropagation(legendBox);
      return legendBox;
    };
    legend.addTo(map);
    var legends = {};
    var pending = {};
    var fitted = false;

    function drawLegend() {
      legendBox.textContent = "";
      ["subdivisions", "hexagons", "routes"].forEach(function (name) {
        if (!map.hasLayer(groups[name]) || !legends[name]) return;
        var part = L.DomUtil.create("div", "map-legend-part", legendBox);
        text(part, "strong", labels[name]);
        if (name !== "routes") text(part, "span", " (" + labels.legendCases + ")");
        legends[name](part);
      });
    }

    function classLegend(part, edges, withZero) {
      var list = text(part, "ul", "");
      if (withZero) {
        var zero = text(list, "li", labels.zero);
        text(zero, "span", "", "swatch").style.background = ZERO;
        zero.insertBefore(zero.lastChild, zero.firstChild);
      }
      var low = 1;
      edges.forEach(function (edge) {
        var item = text(list, "li", low === edge ? String(edge) : low + "–" + edge);
        var swatch = text(item, "span", "", "swatch");
        swatch.style.background = colour(edge, edges);
        item.insertBefore(swatch, item.firstChild);
        low = edge + 1;
      });
    }

    function note(part, data) {
      if (data.omitted) text(part, "p", labels.omitted.replace("%(n)s", data.omitted), "map-legend-note");
    }

    function url(name) {
      var bounds = map.getBounds();
      var view = "zoom=" + map.getZoom();
      if (fitted) {
        view += "&bbox=" + [bounds.getWest(), bounds.getSouth(), bounds.getEast(), bounds.getNorth()].map(function (v) {
          return v.toFixed(3);
        }).join(",");
      }
      var base = config.layers[name];
      var joiner = base.indexOf("?") === -1 ? "?" : /[?&]$/.test(base) ? "" : "&";
      return base + joiner + view;
    }

    var draw = {
      subdivisions: function (data) {
        var counts = data.features.map(function (f) { return f.properties.cases; });
        var edges = breaks(counts);
        var max = Math.max.apply(null, counts.concat([1]));
        var layer = L.geoJSON(data, {
          style: function (f) {
            return { color: "#666", weight: 1, fillOpacity: 0.75, fillColor: colour(f.properties.cases, edges) };
          },
          pointToLayer: function (f, latlng) {
            return L.circleMarker(latlng, {
              radius: 4 + 16 * Math.sqrt(f.properties.cases / max), color: "#333", weight: 1,
              fillColor: colour(f.properties.cases, edges), fillOpacity: 0.85,
            });
          },
          onEachFeature: function (f, l) {
            l.bindPopup(popup([f.properties.name, cases(labels, f.properties.cases)], f.properties.url, labels.open));
          },
        });
        legends.subdivisions = function (part) {
          classLegend(part, edges, true);
          if (data.features.some(function (f) { return f.geometry.type === "Point"; })) text(part, "p", "○ " + labels.noBoundary, "map-legend-note");
        };
        return layer;
      },
      hexagons: function (data) {
        var counts = data.features.map(function (f) { return f.properties.cases; });
        var edges = breaks(counts);
        var layer = L.geoJSON(data, {
          style: function (f) { return { color: "#444", weight: 0.5, fillOpacity: 0.8, fillColor: colour(f.properties.cases, edges) }; },
          onEachFeature: function (f, l) { l.bindPopup(popup([cases(labels, f.properties.cases)])); },
        });
        legends.hexagons = function (part) { classLegend(part, edges, false); note(part, data); };
        return layer;
      },
      routes: function (data) {
        var max = Math.max.apply(null, data.features.map(function (f) { return f.properties.cases; }).concat([1]));
        function width(n) { return 1.5 + 10 * Math.sqrt(n / max); }
        var layer = L.geoJSON(data, {
          style: function (f) { return { color: ROUTE, weight: width(f.properties.cases), opacity: 0.7 }; },
          pointToLayer: function (f, latlng) {
            return L.circleMarker(latlng, { radius: 3 + width(f.properties.cases), color: ROUTE, weight: 2, dashArray: "3 3", fill: false });
          },
          onEachFeature: function (f, l) {
            l.bindPopup(popup([f.properties.origin + " → " + f.properties.destination, cases(labels, f.properties.cases)]));
          },
        });
        legends.routes = function (part) {
          var list = text(part, "ul", "");
          [max, Math.max(1, Math.round(max / 4)), 1].filter(function (n, i, all) { return all.indexOf(n) === i; }).forEach(function (n) {
            var item = text(list, "li", cases(labels, n));
            var line = text(item, "span", "", "line");
            line.style.borderTopWidth = Math.round(width(n)) + "px";
            item.insertBefore(line, item.firstChild);
          });
          text(part, "p", "◌ " + labels.within, "map-legend-note");
          note(part, data);
        };
        return layer;
      },
    };

    function load(name) {
      if (pending[name]) pending[name].abort();
      var controller = window.AbortController ? new AbortController() : { abort: function () {}, signal: undefined };
      pending[name] = controller;
      element.dataset["state" + name] = "loading";
      return fetch(url(name), { credentials: "same-origin", signal: controller.signal, headers: { Accept: "application/geo+json" } })
        .then(function (response) {
          if (!response.ok) throw new Error(String(response.status));
          return response.json();
        })
        .then(function (data) {
          groups[name].clearLayers();
          groups[name].addLayer(draw[name](data));
          element.dataset["features" + name] = String(data.features.length);
          element.dataset["state" + name] = "loaded";
          drawLegend();
          return data;
        })
        .catch(function (error) {
          if (error && error.name === "AbortError") return null;
          element.dataset["state" + name] = "error";
          legendBox.textContent = labels.loadError;
          return null;
        });
    }

    function refresh() {
      ["subdivisions", "hexagons"].forEach(function (name) { if (map.hasLayer(groups[name])) load(name); });
    }

    var timer = null;
    map.on("moveend", function () {
      if (!fitted) return;
      ["subdivisions", "hexagons"].forEach(function (name) {
        if (map.hasLayer(groups[name])) element.dataset["state" + name] = "stale";
      });
      clearTimeout(timer);
      timer = setTimeout(refresh, 250);
    });
    map.on("overlayadd", function (event) {
      var name = Object.keys(groups).filter(function (key) { return groups[key] === event.layer; })[0];
      if (name) load(name);
    });
    map.on("overlayremove", drawLegend);

    load("subdivisions").then(function (data) {
      var withCases = L.featureGroup();
      groups.subdivisions.eachLayer(function (layer) {
        layer.eachLayer(function (feature) {
          if (feature.feature && feature.feature.properties.cases > 0) withCases.addLayer(feature);
        });
      });
      var bounds = withCases.getLayers().length ? withCases.getBounds() : null;
      fitted = true;
      element.dataset.fitted = "1";
      if (data && bounds && bounds.isValid()) map.fitBounds(bounds, { padding: [12, 12], maxZoom: 7, animate: false });
    });
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-map]"), init);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();

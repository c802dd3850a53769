/* covplan's phone map: Leaflet (inlined before this script) and the plan's layers.
 *
 * The page calls geo_json_<layer>_add(FeatureCollection) once a layer, then covplan_start().
 * Every string property was escaped by covplan (covplan._text.html_text) before it was
 * written: it is text that may be put in innerHTML as it is. Numbers stay numbers.
 * ES5 on purpose (old phone browsers); no template literals.
 */
var COVPLAN_DATA = {};

function geo_json_buildings_add(fc) { COVPLAN_DATA.buildings = fc; }
function geo_json_routes_add(fc) { COVPLAN_DATA.routes = fc; }
function geo_json_cones_add(fc) { COVPLAN_DATA.cones = fc; }
function geo_json_unseen_add(fc) { COVPLAN_DATA.unseen = fc; }
function geo_json_cameras_add(fc) { COVPLAN_DATA.cameras = fc; }

function covplan_start() {
  "use strict";
  var C = window.COVPLAN;
  var W = C.words;
  var map = L.map("covplan-map", { maxZoom: 21, zoomSnap: 0.5, zoomControl: false });
  L.control.zoom({ position: "bottomright" }).addTo(map);
  map.attributionControl.setPrefix(false);
  map.attributionControl.addAttribution(W.credit);
  L.control.scale({ imperial: false }).addTo(map);
  var layers = {};
  var markers = {};

  function rowsTable(rows) {
    var out = "<table>";
    for (var i = 0; i < rows.length; i++) {
      out += "<tr><th>" + rows[i][0] + "</th><td>" + rows[i][1] + "</td></tr>";
    }
    return out + "</table>";
  }

  function links(latlng) {
    var lat = latlng.lat.toFixed(6);
    var lon = latlng.lng.toFixed(6);
    return "<p class='covplan-links'>" +
      "<a href='geo:" + lat + "," + lon + "?q=" + lat + "," + lon + "'>" + W.open_map_app + "</a><br>" +
      "<a href='https://www.openstreetmap.org/?mlat=" + lat + "&amp;mlon=" + lon +
      "#map=19/" + lat + "/" + lon + "' target='_blank' rel='noopener'>" + W.open_osm + "</a><br>" +
      "<a href='https://www.google.com/maps/search/?api=1&amp;query=" + lat + "," + lon +
      "' target='_blank' rel='noopener'>" + W.open_google + "</a></p>";
  }

  if (COVPLAN_DATA.buildings) {
    layers.buildings = L.geoJSON(COVPLAN_DATA.buildings, {
      interactive: false,
      style: function () {
        return { color: C.colours.building_edge, weight: 0.5, fillColor: C.colours.building_face, fillOpacity: 0.8 };
      }
    });
  }
  if (COVPLAN_DATA.cones) {
    layers.cones = L.geoJSON(COVPLAN_DATA.cones, {
      interactive: false,
      style: function (f) {
        return { color: f.properties.colour, weight: 0.5, fillColor: f.properties.colour, fillOpacity: 0.22 };
      }
    });
  }
  if (COVPLAN_DATA.routes) {
    layers.routes = L.geoJSON(COVPLAN_DATA.routes, {
      style: function (f) { return { color: f.properties.colour, weight: 5, opacity: 0.9 }; },
      onEachFeature: function (f, layer) {
        var p = f.properties;
        layer.bindPopup("<div class='covplan-pop'><b>" + p.title + "</b>" + rowsTable(p.rows) + "</div>");
      }
    });
  }
  if (COVPLAN_DATA.unseen) {
    layers.unseen = L.geoJSON(COVPLAN_DATA.unseen, {
      pointToLayer: function (f, latlng) {
        return L.circleMarker(latlng, { radius: 5, color: C.colours.unseen, weight: 2, fillOpacity: 0.6 });
      },
      onEachFeature: function (f, layer) {
        layer.bindPopup("<div class='covplan-pop'><b>" + f.properties.title + "</b>" + rowsTable(f.properties.rows) + "</div>");
      }
    });
  }
  var byRole = {};
  if (COVPLAN_DATA.cameras) {
    var feats = COVPLAN_DATA.cameras.features;
    for (var i = 0; i < feats.length; i++) {
      var f = feats[i];
      var p = f.properties;
      var latlng = L.latLng(f.geometry.coordinates[1], f.geometry.coordinates[0]);
      var icon = L.divIcon({
        className: "covplan-cam covplan-cam-" + p.role,
        html: "<span class='covplan-shape' style='background:" + p.colour + "'></span>" +
          "<span class='covplan-code' style='color:" + p.colour + "'>" + p.code + "</span>",
        iconSize: [26, 26],
        iconAnchor: [13, 13],
        popupAnchor: [0, -10]
      });
      var m = L.marker(latlng, { icon: icon, riseOnHover: true });
      m.bindPopup("<div class='covplan-pop'><b>" + p.title + "</b>" + rowsTable(p.rows) + links(latlng) + "</div>",
        { maxWidth: 300, autoPanPadding: [10, 10] });
      var key = p.role === "new" ? "new" : (p.role === "unused" ? "unused" : "existing");
      (byRole[key] = byRole[key] || []).push(m);
      if (p.code) { markers[p.code] = m; }
    }
  }
  for (var k in byRole) {
    if (Object.prototype.hasOwnProperty.call(byRole, k)) { layers[k] = L.layerGroup(byRole[k]); }
  }

  var notice = document.getElementById("covplan-offline");
  function tellOffline() {
    if (notice) { notice.style.display = ""; notice.querySelector("span").innerHTML = W.offline_tiles; }
  }
  if (C.tiles) {
    layers.background = L.tileLayer(C.tiles, { maxNativeZoom: 19, maxZoom: 21 });
    layers.background.on("tileerror", tellOffline);
  }

  var boxes = document.querySelectorAll("input[data-layer]");
  for (var b = 0; b < boxes.length; b++) {
    (function (box) {
      var layer = layers[box.getAttribute("data-layer")];
      if (!layer) { box.disabled = true; return; }
      if (box.checked) { layer.addTo(map); }
      box.addEventListener("change", function () {
        if (box.checked) { layer.addTo(map); } else { map.removeLayer(layer); }
        if (box.getAttribute("data-layer") === "background" && box.checked && !navigator.onLine) { tellOffline(); }
      });
    })(boxes[b]);
  }
  if (layers.background && map.hasLayer(layers.background)) { layers.background.bringToBack(); }

  var bounds = C.bounds;
  map.fitBounds([[bounds[1], bounds[0]], [bounds[3], bounds[2]]], { padding: [8, 8] });

  var mapBox = document.getElementById("covplan-map");
  function codes() {
    if (map.getZoom() < C.code_zoom) { mapBox.classList.add("covplan-hide-codes"); }
    else { mapBox.classList.remove("covplan-hide-codes"); }
  }
  map.on("zoomend", codes);
  codes();

  var close = document.getElementById("covplan-offline-close");
  if (close && notice) {
    close.addEventListener("click", function () { notice.style.display = "none"; map.invalidateSize(); });
  }
  var legend = document.getElementById("covplan-legend");
  if (legend && window.innerWidth >= 700) { legend.open = true; }
  var panels = document.querySelectorAll("#covplan-panel details");
  for (var d = 0; d < panels.length; d++) {
    panels[d].addEventListener("toggle", function () { map.invalidateSize(); });
  }
  var list = document.getElementById("covplan-cams");
  if (list) {
    list.addEventListener("click", function (ev) {
      var li = ev.target;
      while (li && li.nodeName !== "LI") { li = li.parentNode; }
      if (!li) { return; }
      var m = markers[li.getAttribute("data-code")];
      if (!m) { return; }
      var group = null;
      for (var g in byRole) {
        if (Object.prototype.hasOwnProperty.call(byRole, g) && byRole[g].indexOf(m) >= 0) { group = layers[g]; }
      }
      if (group && !map.hasLayer(group)) { group.addTo(map); }
      if (window.innerWidth < 700) { document.getElementById("covplan-list").open = false; }
      map.invalidateSize();
      map.setView(m.getLatLng(), Math.max(map.getZoom(), 19));
      m.openPopup();
    });
  }
  window.covplanMap = map;
  window.covplanMarkers = markers;
}

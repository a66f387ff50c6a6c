// The projects map: markers, tile server and attribution come from json_script blocks
// on the page, so no data is written into script and the page needs no inline script.
(function () {
  "use strict";
  var element = document.getElementById("map");
  if (!element || typeof L === "undefined") { return; }
  function read(id) { return JSON.parse(document.getElementById(id).textContent); }
  var markers = read("map-markers");
  var tiles = read("map-tiles");
  var attribution = read("map-attribution");
  var map = L.map(element);
  if (tiles) { L.tileLayer(tiles, {maxZoom: 19, attribution: attribution}).addTo(map); }
  var bounds = [];
  markers.forEach(function (m) {
    var link = document.createElement("a");
    link.href = m.url;
    link.textContent = m.title;
    var box = document.createElement("div");
    box.appendChild(link);
    box.appendChild(document.createElement("br"));
    box.appendChild(document.createTextNode(m.category + " · " + m.status));
    L.circleMarker([m.lat, m.lon], {radius: 8, weight: 2}).addTo(map).bindPopup(box);
    bounds.push([m.lat, m.lon]);
  });
  if (bounds.length) {
    map.fitBounds(bounds, {padding: [30, 30], maxZoom: 15});
  } else {
    // Nothing to show: centre on the city until a search finds projects with a place.
    map.setView([30.59, 114.30], 11);
  }
})();

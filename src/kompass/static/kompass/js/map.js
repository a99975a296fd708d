/* Interactive atlas map (Leaflet), only on pages that set a tile server
   (KOMPASS_MAP_TILE_URL). Data comes from the json_script element "tile-map-data":
   {url, attribution, points: [{name, url, lat, lon}]}. Markers are keyboard reachable
   (Tab), Enter opens a popup whose link to the profile receives the focus. */
(function () {
  "use strict";

  var GERMANY = [[47.2701, 5.8663], [55.0581, 15.0419]];

  function escapeHtml(text) {
    var element = document.createElement("span");
    element.textContent = text;
    return element.innerHTML;
  }

  function start() {
    var container = document.getElementById("tile-map");
    var data = document.getElementById("tile-map-data");
    if (!container || !data || !window.L) {
      return;
    }
    var config = JSON.parse(data.textContent);
    var map = window.L.map(container, { scrollWheelZoom: false, keyboard: true });
    window.L.tileLayer(config.url, {
      attribution: escapeHtml(config.attribution),
      maxZoom: 18,
      minZoom: 4
    }).addTo(map);

    // The marker images by their static URLs (hashed in production), not by Leaflet's
    // detection, which expects the unhashed file name.
    var icon = window.L.icon({
      iconUrl: container.dataset.icon,
      iconRetinaUrl: container.dataset.iconRetina,
      shadowUrl: container.dataset.shadow,
      iconSize: [25, 41],
      iconAnchor: [12, 41],
      popupAnchor: [1, -34],
      tooltipAnchor: [16, -28],
      shadowSize: [41, 41]
    });
    var positions = [];
    config.points.forEach(function (point) {
      var marker = window.L.marker([point.lat, point.lon], {
        icon: icon,
        title: point.name,
        alt: "Steckbrief " + point.name,
        keyboard: true
      });
      var link = document.createElement("a");
      link.href = point.url;
      link.textContent = "Steckbrief " + point.name;
      marker.bindPopup(link);
      marker.addTo(map);
      positions.push([point.lat, point.lon]);
    });
    map.on("popupopen", function (event) {
      var link = event.popup.getElement().querySelector(".leaflet-popup-content a");
      if (link) {
        link.focus();
      }
    });
    if (positions.length) {
      map.fitBounds(positions, { padding: [24, 24], maxZoom: 10 });
    } else {
      map.fitBounds(GERMANY);
    }
    container.setAttribute("data-ready", "true");
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();

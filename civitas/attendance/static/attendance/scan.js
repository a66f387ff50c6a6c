// Fills the phone's position into the check-in form when the shift has a check-in area.
(function () {
  var form = document.getElementById("scan-form");
  if (!form || form.dataset.needsLocation !== "1" || !navigator.geolocation) return;
  navigator.geolocation.getCurrentPosition(function (p) {
    form.latitude.value = p.coords.latitude.toFixed(6);
    form.longitude.value = p.coords.longitude.toFixed(6);
  }, function () {}, {enableHighAccuracy: true, timeout: 10000});
})();

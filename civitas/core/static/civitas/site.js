// Small behaviours for every page. Kept out of the HTML so the Content Security Policy
// needs no 'unsafe-inline' for scripts.
(function () {
  "use strict";
  var WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  var CHECK = "10X98765432";
  function residentId(value) {
    value = (value || "").trim().toUpperCase();
    if (!/^\d{17}[\dX]$/.test(value)) { return null; }
    var sum = 0;
    for (var i = 0; i < 17; i++) { sum += parseInt(value.charAt(i), 10) * WEIGHTS[i]; }
    if (CHECK.charAt(sum % 11) !== value.charAt(17)) { return null; }
    var year = value.substr(6, 4), month = value.substr(10, 2), day = value.substr(12, 2);
    var date = new Date(year + "-" + month + "-" + day + "T00:00:00Z");
    if (isNaN(date.getTime()) || date.getUTCDate() !== parseInt(day, 10)) { return null; }
    return { birth: year + "-" + month + "-" + day, gender: parseInt(value.charAt(16), 10) % 2 ? "male" : "female" };
  }
  function fillFromResidentId(value) {
    var type = document.getElementById("id_id_type");
    if (type && type.value && type.value !== "resident_id") { return; }
    var found = residentId(value);
    if (!found) { return; }
    var birth = document.getElementById("id_birth_date");
    var gender = document.getElementById("id_gender");
    if (birth) { birth.value = found.birth; }
    if (gender) { gender.value = found.gender; }
  }
  function ready(fn) {
    if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); }
  }
  ready(function () {
    var toggle = document.querySelector(".menu-toggle");
    var nav = document.getElementById("nav");
    if (toggle && nav) {
      toggle.addEventListener("click", function () {
        var open = nav.classList.toggle("open");
        toggle.setAttribute("aria-expanded", open ? "true" : "false");
      });
    }
    // Any <select data-autosubmit> submits its form when changed (the language switch).
    document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
      select.addEventListener("change", function () { select.form.submit(); });
    });
    // A mainland resident ID carries the birth date and gender: fill them in as soon as
    // the number is whole and its check digit is right (the server checks again).
    var idNumber = document.getElementById("id_id_number");
    if (idNumber) {
      idNumber.addEventListener("input", function () { fillFromResidentId(idNumber.value); });
      idNumber.addEventListener("change", function () { fillFromResidentId(idNumber.value); });
    }
    // <button data-confirm="..."> asks before submitting.
    document.querySelectorAll("[data-confirm]").forEach(function (element) {
      element.addEventListener("click", function (event) {
        if (!window.confirm(element.getAttribute("data-confirm"))) { event.preventDefault(); }
      });
    });
  });
})();

// The formatting toolbar of the article form: wraps the selected text of the body in
// a tag. Loaded as a file because the Content Security Policy forbids inline scripts.
(function () {
  "use strict";
  var bar = document.querySelector(".toolbar[data-for]");
  if (!bar) return;
  var area = document.getElementById(bar.dataset.for);
  if (!area) return;

  function wrap(open, close) {
    var start = area.selectionStart, end = area.selectionEnd, value = area.value;
    area.value = value.slice(0, start) + open + value.slice(start, end) + close + value.slice(end);
    area.focus();
    area.selectionStart = start + open.length;
    area.selectionEnd = end + open.length;
  }

  bar.addEventListener("click", function (event) {
    var button = event.target.closest("button");
    if (!button) return;
    if (button.dataset.wrap) {
      wrap("<" + button.dataset.wrap + ">", "</" + button.dataset.wrap + ">");
    } else if (button.dataset.list) {
      wrap("<" + button.dataset.list + "><li>", "</li></" + button.dataset.list + ">");
    } else if (button.dataset.link) {
      var url = window.prompt(button.dataset.prompt || "URL", "https://");
      if (url) wrap('<a href="' + url.replace(/"/g, "") + '">', "</a>");
    }
  });
})();

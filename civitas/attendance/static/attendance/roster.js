// Ticking a box on the roster sends its row's form (htmx swaps the row in place).
document.addEventListener("change", function (e) {
  if (e.target.matches && e.target.matches("input[data-tick]")) {
    e.target.form.requestSubmit();
  }
});

// Typesets the $…$ and $$…$$ math in elements marked .tex with KaTeX (served from our own
// static files). Without JavaScript the TeX stays readable as written.
document.addEventListener("DOMContentLoaded", function () {
  if (typeof renderMathInElement !== "function") {
    return;
  }
  document.querySelectorAll(".tex").forEach(function (element) {
    renderMathInElement(element, {
      delimiters: [
        { left: "$$", right: "$$", display: true },
        { left: "$", right: "$", display: false },
      ],
      throwOnError: false,
    });
  });
});

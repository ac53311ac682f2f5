// Typesets the $…$ and $$…$$ math in elements marked .tex with KaTeX (served from our own
// static files). Without JavaScript the TeX stays readable as written.
// typesetMath(element) does the same for one element: the speaker page's live preview uses it.
window.typesetMath = function (element) {
  if (typeof renderMathInElement !== "function") {
    return;
  }
  renderMathInElement(element, {
    delimiters: [
      { left: "$$", right: "$$", display: true },
      { left: "$", right: "$", display: false },
    ],
    throwOnError: false,
  });
};

document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll(".tex").forEach(function (element) {
    window.typesetMath(element);
  });
});

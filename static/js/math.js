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

// The formulas of `text`, as written with their $, that KaTeX cannot typeset: the page shows
// them as TeX. Found with the delimiters of program/text.py (a \$ opens no formula), each once.
window.formulasShownAsTex = function (text) {
  var found = [];
  if (typeof katex === "undefined") {
    return found;
  }
  var formula = /(?<!\\)\$\$([\s\S]+?)(?<!\\)\$\$|(?<!\\)\$([\s\S]+?)(?<!\\)\$/g;
  var match;
  while ((match = formula.exec(text)) !== null) {
    var display = match[1] !== undefined;
    try {
      katex.renderToString(display ? match[1] : match[2], {
        displayMode: display,
        throwOnError: true,
      });
    } catch (error) {
      if (!(error instanceof katex.ParseError)) {
        throw error;
      }
      if (found.indexOf(match[0]) === -1) {
        found.push(match[0]);
      }
    }
  }
  return found;
};

document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll(".tex").forEach(function (element) {
    window.typesetMath(element);
  });
});

// The speaker page's live preview: while a speaker types a title or an abstract, the box below
// shows it as the talk page will, math typeset by KaTeX (math.js). The text is put in as text
// (textContent), never as HTML: what is typed cannot become markup. Paragraphs follow Django's
// `linebreaks` filter, as on the talk page: a blank line starts a paragraph, a line end is a <br>.
// Without JavaScript the box shows the saved text, typeset once the page loads. The words it
// writes come from the page (data-untitled, data-no-abstract, data-label), in its language.
// Beside the box, a polite live region (data-warnings, its id) names each formula KaTeX cannot
// typeset, which will show as TeX, in the words of its data-message; it changes only when the
// list of such formulas does, so a screen reader is not told the same thing at each key.
(function () {
  "use strict";

  function paragraphs(text) {
    var normalized = text.replace(/\r\n|\r/g, "\n");
    return normalized.split(/\n{2,}/).map(function (paragraph) {
      var element = document.createElement("p");
      paragraph.split("\n").forEach(function (line, index) {
        if (index > 0) {
          element.appendChild(document.createElement("br"));
        }
        element.appendChild(document.createTextNode(line));
      });
      return element;
    });
  }

  function setUp(preview) {
    var titleInput = document.getElementById(preview.dataset.title);
    var abstractInput = document.getElementById(preview.dataset.abstract);
    var title = preview.querySelector(".preview__title");
    var abstract = preview.querySelector(".preview__abstract");
    var label = preview.querySelector(".preview__label");
    var warnings = document.getElementById(preview.dataset.warnings);
    if (!titleInput || !abstractInput || !title || !abstract) {
      return;
    }
    var pending = false;

    function render() {
      pending = false;
      // The form strips spaces around what is typed, and so does the preview.
      title.textContent = titleInput.value.trim() || preview.dataset.untitled;
      var text = abstractInput.value.trim();
      if (text) {
        abstract.replaceChildren.apply(abstract, paragraphs(text));
      } else {
        var empty = document.createElement("p");
        empty.textContent = preview.dataset.noAbstract;
        abstract.replaceChildren(empty);
      }
      if (label && preview.dataset.label) {
        label.textContent = preview.dataset.label;
      }
      window.typesetMath(title);
      window.typesetMath(abstract);
      // Each field apart, as the server reads them: a $ of the title opens no formula of the
      // abstract.
      var formulas = window.formulasShownAsTex(titleInput.value);
      window.formulasShownAsTex(abstractInput.value).forEach(function (formula) {
        if (formulas.indexOf(formula) === -1) {
          formulas.push(formula);
        }
      });
      warn(formulas);
    }

    function warn(formulas) {
      if (!warnings) {
        return;
      }
      var shown = Array.prototype.map.call(warnings.children, function (element) {
        return element.dataset.formula;
      });
      if (shown.join("\n") === formulas.join("\n")) {
        return;
      }
      warnings.replaceChildren.apply(
        warnings,
        formulas.map(function (formula) {
          var element = document.createElement("p");
          element.className = "notice notice--warn";
          element.dataset.formula = formula;
          // A function, not a string: "$$" or "$&" in a replacement string are patterns.
          element.textContent = warnings.dataset.message.replace("%(formula)s", function () {
            return formula;
          });
          return element;
        })
      );
    }

    function schedule() {
      if (!pending) {
        pending = true;
        window.requestAnimationFrame(render);
      }
    }

    titleInput.addEventListener("input", schedule);
    abstractInput.addEventListener("input", schedule);
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (typeof window.typesetMath !== "function") {
      return;
    }
    document.querySelectorAll(".preview[data-title][data-abstract]").forEach(setUp);
  });
})();

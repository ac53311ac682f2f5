// The check-in desk, a little faster: the results follow the name as it is typed (after a short
// pause), without reloading the page. Without JavaScript the Search button does the same.
(function () {
  "use strict";
  var form = document.querySelector("[data-desk-search]");
  var results = document.getElementById("desk-results");
  if (!form || !results || !window.fetch || !window.DOMParser) return;
  var input = form.querySelector("input[name=q]");
  var timer = null;
  var latest = 0;

  function search() {
    var url = form.action + "?" + new URLSearchParams(new FormData(form)).toString();
    var asked = ++latest;
    fetch(url, { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (html === null || asked !== latest) return;
        var page = new DOMParser().parseFromString(html, "text/html");
        var fresh = page.getElementById("desk-results");
        if (fresh) results.innerHTML = fresh.innerHTML;
        window.history.replaceState(null, "", url);
      })
      .catch(function () { /* the Search button still works */ });
  }

  input.addEventListener("input", function () {
    window.clearTimeout(timer);
    var letters = input.value.trim().length;
    if (letters === 0 || letters >= Number(input.getAttribute("minlength") || 2)) {
      timer = window.setTimeout(search, 200);
    }
  });
  form.querySelector("select[name=day]").addEventListener("change", search);
})();

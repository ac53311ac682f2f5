// Adds, after each <time data-local-time>, the same instant in the visitor's own time zone when
// it differs from the workshop's. Loaded as a file: the Content-Security-Policy allows no inline
// script. The words come from the page, in its language (the script tag's data-local-time-pattern).
document.addEventListener("DOMContentLoaded", function () {
  var source = document.querySelector("script[data-local-time-pattern]");
  var pattern = source ? source.dataset.localTimePattern : "(your time, {zone}: {time})";
  var visitorZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  document.querySelectorAll("time[data-local-time]").forEach(function (element) {
    var instant = new Date(element.getAttribute("datetime"));
    if (isNaN(instant.getTime())) {
      return;
    }
    var shown = new Intl.DateTimeFormat(document.documentElement.lang || undefined, {
      weekday: "long", day: "numeric", month: "long", year: "numeric",
      hour: "2-digit", minute: "2-digit", second: "2-digit", timeZoneName: "short",
    }).format(instant);
    var offsetHere = -instant.getTimezoneOffset();
    var match = element.getAttribute("datetime").match(/([+-])(\d\d):(\d\d)$/);
    if (match) {
      var offsetThere = (match[1] === "-" ? -1 : 1) * (parseInt(match[2], 10) * 60 + parseInt(match[3], 10));
      if (offsetThere === offsetHere) {
        return;
      }
    }
    var note = document.createElement("span");
    note.className = "local-time";
    note.textContent = " " + pattern.replace("{zone}", visitorZone).replace("{time}", shown);
    element.after(note);
  });
});

// A second, independent iCalendar parser for the tests (ical.js, the parser of Thunderbird's
// calendar): `node ical_check.mjs FILE.ics` prints the file's VTIMEZONE ids and its events as
// JSON on stdout.
//
// The calendar's own VTIMEZONEs are registered before any time is read, so TZID=Europe/Paris is
// resolved with the rules the file carries. A zone the file does not define is reported as an
// error rather than read as a floating time (which ical.js would silently do).
import { readFileSync } from "node:fs";

import ICAL from "ical.js";

const path = process.argv[2];
if (!path) {
  console.error("usage: node ical_check.mjs FILE.ics");
  process.exit(2);
}

const calendar = new ICAL.Component(ICAL.parse(readFileSync(path, "utf8")));
if (calendar.name !== "vcalendar") {
  throw new Error(`not a VCALENDAR: ${calendar.name}`);
}

const timezones = calendar.getAllSubcomponents("vtimezone").map((vtimezone) => {
  const zone = new ICAL.Timezone(vtimezone);
  ICAL.TimezoneService.register(zone);
  return zone.tzid;
});

function utc(time, what, uid) {
  const tzid = time.timezone || time.zone?.tzid;
  if (!time.isDate && tzid && tzid !== "UTC" && tzid !== "Z" && !ICAL.TimezoneService.has(tzid)) {
    throw new Error(`${what} of ${uid}: TZID ${tzid} has no VTIMEZONE in the calendar`);
  }
  return time.toJSDate().toISOString();
}

const events = calendar.getAllSubcomponents("vevent").map((vevent) => {
  const event = new ICAL.Event(vevent);
  return {
    uid: event.uid,
    summary: event.summary,
    start_utc: utc(event.startDate, "DTSTART", event.uid),
    end_utc: utc(event.endDate, "DTEND", event.uid),
    start_tzid: event.startDate.zone?.tzid ?? null,
    sequence: event.sequence,
    description: event.description,
    location: event.location,
    url: vevent.getFirstPropertyValue("url"),
  };
});

process.stdout.write(JSON.stringify({ timezones, events }, null, 2) + "\n");

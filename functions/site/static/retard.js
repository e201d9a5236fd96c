/* Ardoise: how many days an invoice is overdue, counted by the reader's browser.
 *
 * A company page states dates only ("impayée depuis le 11 février 2026"), so that it
 * changes when its data changes and not every night (one upload a day for each of
 * 100,000 pages otherwise). Where a page marks a due date with
 * <span class="ardoise-retard" data-ardoise-echeance="2026-02-11" hidden></span>,
 * this script writes the count as of today, in the reader's own calendar; without
 * JavaScript the date alone stays, which says the same thing.
 */
(function () {
  "use strict";

  var DAY = 24 * 60 * 60 * 1000;

  // Days from a "YYYY-MM-DD" date to today, both taken as calendar days (no time zone drift).
  function daysSince(iso) {
    var parts = iso.split("-").map(Number);
    if (parts.length !== 3 || parts.some(isNaN)) return null;
    var now = new Date();
    var today = Date.UTC(now.getFullYear(), now.getMonth(), now.getDate());
    return Math.round((today - Date.UTC(parts[0], parts[1] - 1, parts[2])) / DAY);
  }

  function show(span) {
    var days = daysSince(span.getAttribute("data-ardoise-echeance") || "");
    if (days === null || days < 1) return;
    span.textContent = " (" + days.toLocaleString("fr-FR") + " jour" + (days > 1 ? "s" : "") + " de retard aujourd'hui)";
    span.hidden = false;
  }

  function start() {
    document.querySelectorAll("[data-ardoise-echeance]").forEach(show);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();

// The web spaces' one script (published as assets/ardoise/espaces.js): an enhancement only, every form
// works without it. Sign-up: the registry's identity appears as soon as a whole SIREN (or SIRET) is
// typed. The form is sent in the background to the « Vérifier le SIREN » button's address, which
// stores nothing, and the card of its answer replaces the page's (a live region: it is read out); a
// SIREN the server refuses gets its error beside the field, as after sending the form.
(function () {
  "use strict";
  var form = document.querySelector("form[data-ardoise-verifier]");
  if (!form || !window.fetch || !window.DOMParser || !window.FormData) return;
  var box = form.querySelector("#champ-siren");
  var button = form.querySelector("button[formaction]");
  var card = document.getElementById("identite-repertoire");
  if (!box || !button || !card) return;
  // The SIREN the page came with was checked by the server already (its card, or its error, is on the page).
  var asked = box.defaultValue.replace(/[\s.]/g, "");

  // The SIREN's own error, as the answer puts it beside the field (or none): said before the form is sent.
  function mark(answer) {
    var said = answer.getElementById("erreur-siren");
    var mine = document.getElementById("erreur-siren");
    var described = (box.getAttribute("aria-describedby") || "").split(" ").filter(function (id) {
      return id && id !== "erreur-siren";
    });
    if (mine) mine.remove();
    if (said) {
      var help = document.getElementById("aide-siren");
      (help || box).after(document.importNode(said, true));
      described.push("erreur-siren");
      box.setAttribute("aria-invalid", "true");
    } else {
      box.removeAttribute("aria-invalid");
    }
    if (described.length) box.setAttribute("aria-describedby", described.join(" "));
    else box.removeAttribute("aria-describedby");
  }

  function show(answer) {
    mark(answer);
    var shown = answer.getElementById("identite-repertoire");
    card.className = shown ? shown.className : "";
    var nodes = shown ? Array.prototype.slice.call(shown.childNodes) : [];
    card.replaceChildren.apply(card, nodes.map(function (node) { return document.importNode(node, true); }));
    var name = form.querySelector("#champ-company_name");
    var filled = answer.getElementById("champ-company_name");
    if (shown && name && filled && !name.value.trim()) name.value = filled.value;
  }

  function check() {
    var digits = box.value.replace(/[\s.]/g, "");
    if (!/^(\d{9}|\d{14})$/.test(digits) || digits === asked) return;
    asked = digits;
    var data = new FormData(form);
    // Not this form's one-time token: the check changes nothing, and the token stays for « M'inscrire ».
    data.delete("idempotence");
    fetch(button.formAction, { method: "POST", body: data, credentials: "same-origin" })
      .then(function (answer) { return answer.text(); })
      .then(function (html) {
        if (box.value.replace(/[\s.]/g, "") === digits) show(new DOMParser().parseFromString(html, "text/html"));
      })
      .catch(function () { asked = ""; });
  }

  box.addEventListener("input", check);
  box.addEventListener("change", check);
  check(); // typed before this deferred script ran (or kept by the browser on going back)
})();

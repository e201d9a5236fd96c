/* Ardoise: the charter's forms (sign, confirm, withdraw) posting to the charter API on the same origin.
 *
 * The private token of an e-mailed link travels in the URL fragment (#jeton=...), which
 * never reaches a server log; it is sent only when the person clicks the button, so
 * that a mail scanner opening the link confirms nothing. Messages from the API (French
 * problem details) are shown with textContent.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  var root = script ? script.src.replace(/assets\/ardoise\/[^/]*$/, "") : "/";
  var API = root + "api/charter/";

  function fragment() {
    return new URLSearchParams(window.location.hash.replace(/^#/, ""));
  }

  function show(form, kind, title, lines) {
    var box = form.querySelector(".ardoise-message");
    box.textContent = "";
    box.className = "ardoise-message admonition " + kind;
    var heading = document.createElement("p");
    heading.className = "admonition-title";
    heading.textContent = title;
    box.appendChild(heading);
    (lines || []).forEach(function (line) {
      var p = document.createElement("p");
      p.textContent = line;
      box.appendChild(p);
    });
    box.focus();
  }

  async function send(form, path, body, success) {
    var button = form.querySelector("button[type=submit]");
    button.disabled = true;
    try {
      var response = await fetch(API + path, {
        method: "POST",
        headers: { "Content-Type": "application/json", "Accept": "application/json" },
        body: JSON.stringify(body)
      });
      var data = await response.json().catch(function () { return {}; });
      if (response.ok) {
        success(data);
      } else {
        var errors = (data.errors || []).map(function (e) { return e.field + " : " + e.message; });
        show(form, "failure", data.title || "La demande n'a pas abouti.", [data.detail || ""].concat(errors));
      }
    } catch (error) {
      show(form, "failure", "Le service ne répond pas.", ["Vérifiez votre connexion et réessayez dans un instant."]);
    } finally {
      button.disabled = false;
    }
  }

  var handlers = {
    signer: function (form) {
      var fields = new FormData(form);
      send(form, "signatures", {
        siren: (fields.get("siren") || "").replace(/\s/g, ""),
        company_name: fields.get("company_name"),
        representative_name: fields.get("representative_name"),
        representative_role: fields.get("representative_role"),
        email: fields.get("email"),
        version: fields.get("version"),
        accepted: fields.get("accepted") === "on"
      }, function (data) {
        show(form, "success", "Demande enregistrée", [data.detail || "Un courriel de confirmation a été envoyé."]);
      });
    },
    confirmer: function (form) {
      send(form, "signatures/verify", { token: fragment().get("jeton") || "" }, function (data) {
        var lines = {
          signed: "Votre signature est enregistrée : l'entreprise figure désormais au registre des signataires.",
          renewed: "Votre entreprise a signé la nouvelle version de la charte.",
          reassigned: "Votre signature est enregistrée au nom de l'entreprise.",
          unchanged: "Cette version de la charte était déjà signée : rien n'a changé.",
          pending: "Votre adresse est confirmée. Un modérateur vérifie maintenant votre lien avec l'entreprise " +
            "(identité au répertoire SIRENE) ; la signature n'apparaîtra au registre qu'après cette vérification."
        };
        show(form, "success", "Merci !", [lines[data.outcome] || "Demande enregistrée."]);
      });
    },
    retirer: function (form) {
      var params = fragment();
      var siren = (params.get("siren") || "").replace(/\D/g, "");
      send(form, "signatures/" + siren + "/withdraw/confirm", { token: params.get("jeton") || "" }, function () {
        show(form, "success", "Signature retirée", ["Le retrait est enregistré et daté ; il apparaît au registre."]);
      });
    }
  };

  document.querySelectorAll("form[data-ardoise-formulaire]").forEach(function (form) {
    var kind = form.getAttribute("data-ardoise-formulaire");
    var missing = (kind === "confirmer" || kind === "retirer") && !fragment().get("jeton");
    if (missing) {
      show(form, "warning", "Lien incomplet", ["Ouvrez le lien reçu par courriel tel quel : il contient votre jeton personnel."]);
      form.querySelector("button[type=submit]").disabled = true;
    }
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      handlers[kind](form);
    });
  });
})();

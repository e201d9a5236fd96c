/* Ardoise: search the directory by name or SIREN without downloading it.
 *
 * The index is a tree of small JSON shards under recherche/ (see docs/site.md):
 * the first two folded characters of the query name the root shard; a shard too
 * big to send is split, and then lists its children's keys and its first rows.
 * A look-up follows one path of that tree: a few KB, whatever the directory's size.
 * User text only ever reaches the page through textContent.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  var root = script ? script.src.replace(/assets\/ardoise\/[^/]*$/, "") : "/";
  var cache = new Map();
  var STATUS = {
    a: ["Signataire de la charte", "active"],
    s: ["Charte : signature suspendue", "suspended"],
    o: ["Charte : version dépassée", "outdated"],
    w: ["Charte : signature retirée", "withdrawn"]
  };

  // The same folding as functions/core/text.py: lower case, no accents, words of [0-9a-z].
  function fold(text) {
    return text.toLowerCase().normalize("NFKD").replace(/\p{M}/gu, "")
      .replace(/œ/g, "oe").replace(/æ/g, "ae").replace(/ß/g, "ss")
      .replace(/[^0-9a-z]+/g, " ").trim();
  }

  function queryKey(raw) {
    var folded = fold(raw);
    var compact = folded.replace(/ /g, "");
    // A SIREN or SIRET typed with spaces: its digits; a SIRET's first nine are the SIREN.
    if (/^\d+$/.test(compact)) return compact.length === 14 ? compact.slice(0, 9) : compact;
    return folded;
  }

  function shard(key) {
    if (!cache.has(key)) {
      var url = root + "recherche/" + key.replace(/ /g, "_") + ".json";
      cache.set(key, fetch(url).then(function (response) {
        return response.ok ? response.json() : { r: [] };
      }).catch(function () { return { r: [] }; }));
    }
    return cache.get(key);
  }

  function matches(row, q) {
    if (row[0].indexOf(q) === 0) return true;
    var name = " " + fold(row[1]);
    return name.indexOf(" " + q) !== -1;
  }

  function nextChild(node, q) {
    var depth = node.k.length;
    var children = node.c || [];
    for (var i = 0; i < children.length; i++) {
      var child = children[i];
      if (child.charAt(depth) !== q.charAt(depth)) continue;
      if (q.indexOf(child) === 0 || child.indexOf(q) === 0) return child;
      return null;
    }
    return null;
  }

  // Two folded characters at least, spaces included: "a b" finds "A&B Bâtiment" (functions/core/text.py).
  async function lookup(q) {
    if (q.length < 2) return { rows: [], more: 0 };
    var node = await shard(q.slice(0, 2));
    for (;;) {
      if (!node.c || q.length <= node.k.length) break;
      var child = nextChild(node, q);
      if (child === null) return { rows: [], more: 0 };
      node = await shard(child);
    }
    var rows = (node.r || []).filter(function (row) { return matches(row, q); });
    var more = node.c ? Math.max(0, (node.n || 0) - rows.length) : (node.m || 0);
    return { rows: rows, more: more };
  }

  async function search(raw) {
    var q = queryKey(raw);
    var found = await lookup(q);
    var words = q.split(" ");
    if (found.rows.length === 0 && words.length > 1) {
      // Words in another order than the name's: look the longest one up, keep rows holding every word.
      var longest = words.slice().sort(function (a, b) { return b.length - a.length; })[0];
      found = await lookup(longest);
      found.rows = found.rows.filter(function (row) {
        return words.every(function (word) { return matches(row, word); });
      });
    }
    return found;
  }

  function euros(cents) {
    return (cents / 100).toLocaleString("fr-FR", { style: "currency", currency: "EUR" });
  }

  function spacedSiren(siren) {
    return siren.replace(/^(\d{3})(\d{3})(\d{3})$/, "$1 $2 $3");
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function renderRow(row) {
    var item = element("li");
    var line = element("div", "ardoise-ligne");
    var link = element("a", "", row[1]);
    link.href = root + "entreprises/" + row[3] + "/";
    line.appendChild(link);
    var tags = element("span", "ardoise-etiquettes");
    if (row[4] > 0) tags.appendChild(element("span", "ardoise-etiquette ardoise-etiquette--impaye", "Impayés publiés : " + euros(row[4])));
    if (STATUS[row[5]]) tags.appendChild(element("span", "ardoise-etiquette ardoise-etiquette--" + STATUS[row[5]][1], STATUS[row[5]][0]));
    line.appendChild(tags);
    item.appendChild(line);
    item.appendChild(element("span", "ardoise-meta", "SIREN " + spacedSiren(row[0]) + (row[2] ? " · " + row[2] : "")));
    return item;
  }

  function render(target, found, raw) {
    target.textContent = "";
    var message;
    if (fold(raw).length < 2) {
      message = "Tapez au moins deux caractères du nom, ou les premiers chiffres du SIREN.";
    } else if (found.rows.length === 0) {
      message = "Aucune entreprise trouvée. Une entreprise absente n'a aucun impayé publié ici et n'a pas signé la charte.";
    } else {
      message = found.rows.length + (found.rows.length > 1 ? " entreprises trouvées" : " entreprise trouvée");
      if (found.more > 0) message += " (et " + found.more + " autres : précisez le nom ou tapez le SIREN)";
      message += ".";
    }
    target.appendChild(element("p", "ardoise-aide", message));
    if (found.rows.length) {
      var list = element("ul");
      found.rows.forEach(function (row) { list.appendChild(renderRow(row)); });
      target.appendChild(list);
    }
  }

  function attach(form) {
    var input = form.querySelector("input[name=q]");
    var target = form.querySelector(".ardoise-resultats");
    if (!input || !target) return;
    var timer = null;
    var latest = 0;

    async function run() {
      var ticket = ++latest;
      var raw = input.value;
      var found = await search(raw);
      if (ticket === latest) render(target, found, raw);
      return found;
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(run, 150);
    });
    form.addEventListener("submit", async function (event) {
      event.preventDefault();
      clearTimeout(timer);
      var found = await run();
      if (found.rows.length === 1 && found.more === 0) {
        window.location.href = root + "entreprises/" + found.rows[0][3] + "/";
      }
    });
    var initial = new URLSearchParams(window.location.search).get("q");
    if (initial && !input.value) {
      input.value = initial;
      run();
    }
  }

  document.querySelectorAll("form[data-ardoise-recherche]").forEach(attach);
})();

/* Ardoise: MkDocs Material's inline content script (partials/javascripts/content.html), run from this
 * file so that the site's Content-Security-Policy allows no inline script: opens the tab a link targets.
 * tests/site/test_theme_scripts.py checks it against Material's. */
var target=document.getElementById(location.hash.slice(1));target&&target.name&&(target.checked=target.name.startsWith("__tabbed_"))

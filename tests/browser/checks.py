"""What the browser tests measure on any page, whatever the Chromium build: sideways overflow (and accessibility).

The measures compare the page with its own viewport, never with pixel figures that a new
browser or font version shifts: a page fits when a person never has to scroll sideways and
no text, image or control they could see is cut by the viewport's edge. Content inside a box
that scrolls on its own (a wide table in Material's scroll wrapper) or that a box clips on
purpose (the header's ellipsis) is judged by the part that box shows.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
# Layout works in fractions of a pixel; half a pixel absorbs rounding, nothing a person could see.
_ROUNDING = 0.5

_OVERFLOW = """(rounding) => {
  const root = document.scrollingElement || document.documentElement;
  const width = root.clientWidth;
  const found = [];
  if (root.scrollWidth > width) {
    found.push(`the page scrolls sideways: ${root.scrollWidth} px of content in ${width} px`);
  }
  // The part of a box left visible by its ancestors that clip or scroll sideways.
  const shown = (left, right, from) => {
    for (let box = from; box && box !== root && box !== document.body; box = box.parentElement) {
      if (getComputedStyle(box).overflowX !== 'visible') {
        const edge = box.getBoundingClientRect();
        left = Math.max(left, edge.left);
        right = Math.min(right, edge.right);
      }
    }
    return [left, right];
  };
  const describe = (element) => {
    const name = element.tagName.toLowerCase() + (element.id ? '#' + element.id : '')
      + [...element.classList].map((c) => '.' + c).join('');
    return name + ' ' + JSON.stringify((element.textContent || element.outerHTML).trim().slice(0, 60));
  };
  const check = (rect, parent, what) => {
    if (rect.width <= 0 || rect.height <= 0) return;
    const [left, right] = shown(rect.left, rect.right, parent);
    // Nothing of it is visible (clipped away, or an off-canvas drawer): a person cannot see it cut.
    if (right <= left || right <= 0 || left >= width) return;
    if (left < -rounding || right > width + rounding) {
      found.push(`${what} spans ${Math.round(left)}..${Math.round(right)} px of a ${width} px viewport`);
    }
  };
  const seen = (element) => element.checkVisibility({checkOpacity: true, checkVisibilityCSS: true});
  for (const element of document.body.querySelectorAll('*')) {
    if (seen(element)) check(element.getBoundingClientRect(), element.parentElement, describe(element));
  }
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let text = walker.nextNode(); text; text = walker.nextNode()) {
    if (!text.data.trim() || !text.parentElement || !seen(text.parentElement)) continue;
    const range = document.createRange();
    range.selectNodeContents(text);
    for (const line of range.getClientRects()) {
      check(line, text.parentElement, 'text ' + JSON.stringify(text.data.trim().slice(0, 60)));
    }
  }
  return [...new Set(found)];
}"""


def sideways_overflow(page: Any) -> list[str]:
    """Return what makes the page wider than its viewport, or cut by it (empty when the page fits)."""
    found: list[str] = page.evaluate(_OVERFLOW, _ROUNDING)
    return found


# axe-core's impacts, the gravest first; a page may show none of the first two.
GRAVE = ("critical", "serious")


def axe_violations(page: Any, record: str = "", impacts: tuple[str, ...] = GRAVE) -> list[str]:
    """Run axe-core (every rule: WCAG 2.x A/AA and best practices) on the page; return its findings of ``impacts``.

    axe-core comes inside the ``axe-playwright-python`` wheel and runs in the page: no network.
    With ``record``, the counts of every impact (rules and elements) go to
    ``test-artifacts/axe/<record>.json``, for a person comparing runs.
    """
    from axe_playwright_python.sync_playwright import Axe

    violations = Axe().run(page).response["violations"]
    if record:
        counts: dict[str, dict[str, int]] = {}
        for rule in violations:
            count = counts.setdefault(rule["impact"], {"rules": 0, "elements": 0})
            count["rules"] += 1
            count["elements"] += len(rule["nodes"])
        folder = ARTIFACTS / "axe"
        folder.mkdir(parents=True, exist_ok=True)
        rules = {rule["id"]: len(rule["nodes"]) for rule in violations}
        (folder / f"{record}.json").write_text(json.dumps({"counts": counts, "rules": rules}, sort_keys=True))
    return [
        f"{rule['impact']} {rule['id']}: {', '.join(str(node['target'][0]) for node in rule['nodes'][:5])}"
        + (f" (+{len(rule['nodes']) - 5})" if len(rule["nodes"]) > 5 else "")
        for rule in violations
        if rule["impact"] in impacts
    ]

"""axe-core, the accessibility checker the browser tests run on each main page, from a local
copy only (never a CDN): ``scripts/test`` installs it with npm into ``tests/browser/.axe/``
(gitignored); ``AXE_JS`` may point at another copy."""
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
VERSION = "4.14.1"  # scripts/test installs this one
INSTALL = f"npm install --prefix tests/browser/.axe --no-save axe-core@{VERSION}"
AXE = next((Path(p) for p in (os.environ.get("AXE_JS"),
                              ROOT / "tests/browser/.axe/node_modules/axe-core/axe.min.js",
                              ROOT / "node_modules/axe-core/axe.min.js")
            if p and Path(p).is_file()), None)
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def require() -> Path:
    """The local axe-core, or skip the test saying how to install it."""
    if AXE is None:
        pytest.skip(f"axe-core is not installed, so pages are not checked for WCAG violations: "
                    f"run scripts/test, or {INSTALL}")
    return AXE


def violations(page) -> list[str]:
    """axe-core's WCAG 2.2 A/AA violations on the page as shown now: "rule: element, …"."""
    page.add_script_tag(path=str(require()))
    return page.evaluate("""async tags => (await axe.run(document, {runOnly: {type: 'tag',
        values: tags}})).violations.map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' '))
        .join(', '))""", TAGS)

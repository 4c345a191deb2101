"""The extraction engine is a plain Python package: it must load and run without Django or the portal.

A subprocess with a clean interpreter imports every module of `extraction` and parses a sentence; any
import of django, portal, metrics or reports (direct or through another module) fails the test.
"""

import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import extraction

ROOT = Path(__file__).resolve().parents[2]

_PROBE = """
import importlib, json, pkgutil, sys
import extraction
names = [m.name for m in pkgutil.walk_packages(extraction.__path__, "extraction.")]
for name in names:
    if name.endswith("__main__"):
        continue  # runs the command line on import
    importlib.import_module(name)
from extraction.engine import Extractor
found = Extractor().extract("全区共走访群众1200户。", strict=True).mentions
bad = sorted(m for m in sys.modules if m.split(".")[0] in {"django", "regions", "portal", "metrics", "reports"})
print(json.dumps({"modules": names, "leaked": bad, "found": len(found)}))
"""


def test_extraction_imports_nothing_of_django_or_the_portal():
    result = subprocess.run(
        [sys.executable, "-c", _PROBE],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env={"PATH": "/usr/bin:/bin", "HOME": str(Path.home())},
    )
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["leaked"] == []
    assert "extraction.engine" in report["modules"]
    assert report["found"] >= 1


def test_extraction_is_a_top_level_package():
    assert Path(extraction.__file__).parent == ROOT / "extraction"
    assert not (ROOT / "reports" / "extraction").exists()
    assert {m.name for m in pkgutil.iter_modules(extraction.__path__)} >= {"engine", "regions", "attribution"}

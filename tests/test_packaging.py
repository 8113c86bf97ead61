"""The build configuration a fresh clone meets: pyproject.toml uses the license form setuptools
keeps supporting (an SPDX string, PEP 639; the TOML table is deprecated and goes in 2027), with a
setuptools that understands it, and the variables `make serve` reads are documented."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
import zipfile

import pytest
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.version import Version

from tests.conftest import REPO

PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))


def test_license_is_an_spdx_string_and_setuptools_understands_it():
    license = PYPROJECT["project"]["license"]
    assert isinstance(license, str) and re.fullmatch(r"[A-Za-z0-9.+-]+( (AND|OR|WITH) [A-Za-z0-9.+-]+)*", license)
    for path in PYPROJECT["project"].get("license-files", []):
        assert list(REPO.glob(path)), f"license-files names {path}, which matches nothing"
    setuptools = [Requirement(r) for r in PYPROJECT["build-system"]["requires"] if r.startswith("setuptools")]
    assert setuptools, "build-system.requires names no setuptools"
    spec: SpecifierSet = setuptools[0].specifier
    # PEP 639 license strings arrived in setuptools 77: no version below it may be allowed.
    assert not any(spec.contains(Version(v)) for v in ("68", "76.1")) and spec.contains(Version("77"))


def test_every_variable_make_serve_reads_is_in_the_readme():
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    settable = set(re.findall(r"^([A-Z_]+) \?=", makefile, re.M))
    recipe = re.search(r"^serve:.*\n((?:\t.*\n)+)", makefile, re.M)
    assert recipe
    used = set(re.findall(r"\$\(([A-Z_]+)\)", recipe.group(1))) & settable
    assert "PORT" in used
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    missing = [v for v in sorted(used) if not re.search(rf"make serve\b[^\n]*\b{v}=", readme)]
    assert not missing, f"`make serve` reads {missing}, which the README never shows how to set"


@pytest.mark.slow
def test_the_wheel_builds_without_setuptools_warnings_and_carries_templates_and_static(tmp_path):
    # The build said "`project.license` as a TOML table is deprecated" and "Package
    # 'web.static' is absent from the `packages` configuration" (to break by 2027).
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", str(tmp_path / "dist"), str(REPO)],
                          capture_output=True, text=True, timeout=600, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    output = done.stdout + done.stderr
    assert "deprecated" not in output.lower() and "BuildBackendWarning" not in output, output
    wheel = next((tmp_path / "dist").glob("artsearch-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped = {f"web/{p.relative_to(REPO / 'web').as_posix()}" for d in ("static", "templates")
               for p in (REPO / "web" / d).iterdir() if p.is_file()}
    assert shipped and shipped <= names, sorted(shipped - names)
    metadata = next(n for n in names if n.endswith("METADATA"))
    assert "License-Expression: MIT" in zipfile.ZipFile(wheel).read(metadata).decode()

"""Ship rego/, controls/ and reports/ inside the wheel as compliance/_data/.

They stay top-level folders in the repository (rule beside its tests, catalogs
as data); a wheel must work with no checkout, so the build copies them in.
Everything else is in pyproject.toml.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

DATA_DIRS = ("rego", "controls", "reports")


class BuildWithData(build_py):
    def run(self) -> None:
        super().run()
        here = Path(__file__).resolve().parent
        for name in DATA_DIRS:
            source = here / name
            if source.is_dir():
                target = Path(self.build_lib) / "compliance" / "_data" / name
                shutil.copytree(source, target, dirs_exist_ok=True,
                                ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))


setup(cmdclass={"build_py": BuildWithData})

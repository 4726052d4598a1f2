"""Build step: copy the folders that stay at the repository top into the package as ``kpidesk/_bundled``.

Everything else is in pyproject.toml. ``kpidesk.resources`` reads ``kpidesk/_bundled`` in a wheel and in the
frozen app, and the top-level folders in a source checkout or an editable install, so editable builds copy
nothing.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

TOP = Path(__file__).parent

#: folder inside kpidesk/_bundled -> (source folder at the repository top, glob patterns to ship)
BUNDLED = {
    "resources": ("resources", ["**/*"]),
    "forms": ("forms", ["*.toml"]),
    "guide": ("docs", ["guide.*.md", "screenshots/*.png"]),
}


class BuildPyWithBundledData(build_py):
    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return
        bundled_root = Path(self.build_lib, "kpidesk", "_bundled")
        shutil.rmtree(bundled_root, ignore_errors=True)  # a file removed from the source must not linger
        for name, (source, patterns) in BUNDLED.items():
            for pattern in patterns:
                for path in sorted((TOP / source).glob(pattern)):
                    if path.is_file() and "__pycache__" not in path.parts and not path.name.endswith(".pyc"):
                        target = bundled_root / name / path.relative_to(TOP / source)
                        target.parent.mkdir(parents=True, exist_ok=True)
                        shutil.copy2(path, target)


setup(cmdclass={"build_py": BuildPyWithBundledData})

"""The repository checkout the tests run in, for tests that read source files (translations, forms)."""

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]

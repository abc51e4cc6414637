"""The imports follow the direction between the apps that the README describes, with no
circles: read from the code by import-linter, with the contracts in pyproject.toml."""

from django.conf import settings
from importlinter import cli


def test_imports_follow_the_direction_between_the_apps_without_circles():
    exit_code = cli.lint_imports(
        config_filename=str(settings.BASE_DIR / "pyproject.toml"), no_cache=True, no_logo=True
    )

    assert exit_code == cli.EXIT_STATUS_SUCCESS

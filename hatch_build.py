"""Build hook: the wheel is the generated package, so it must exist first."""

from pathlib import Path

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class GeneratedPackageCheck(BuildHookInterface):
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict) -> None:
        if not (Path(self.root) / "generated" / "calcom" / "__init__.py").is_file():
            raise SystemExit(
                "calcom-client: generated/calcom is missing; run `python -m pip install nox && "
                "nox -s generate` first (it builds the package from the pinned spec)."
            )

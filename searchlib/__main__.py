"""``python -m searchlib``: the ``searchlib`` command group."""

from searchlib.cli import main_group

main_group(prog_name="searchlib")

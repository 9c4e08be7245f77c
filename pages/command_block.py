"""The "Equivalent command" block: the CLI line that reproduces what a page shows."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from imbalance_core.intake.task import TaskSpec
from pages import image_view
from pages.session_state import K_SOURCE, current_spec, current_table


def equivalent_command(build: Callable[[str, TaskSpec], str]) -> None:
    """Show "Equivalent command": ``build(file argument, task spec)``'s CLI line for the current data.

    Nothing is shown before data are loaded. The file argument is the bundled file's path or the
    uploaded file's name (:func:`imbalance_core.cli.command_lines.file_argument`).
    """
    from imbalance_core.cli import command_lines  # imports training: only pages that show a command

    spec = current_spec()
    table = current_table()
    if spec is None or table is None:
        return
    file_arg = command_lines.file_argument(st.session_state.get(K_SOURCE, ""), table.name)
    current = image_view.current_images()
    show_command(command_lines.with_extractor(build(file_arg, spec), current[1] if current else None))


def show_command(line: str) -> None:
    """The "Equivalent command" block: one CLI line that reproduces what the page shows."""
    st.markdown("**Equivalent command**")
    st.code(line, language="bash", wrap_lines=True)

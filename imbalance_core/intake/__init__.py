"""Intake: from bytes or a path to a task the rest of the core can learn from.

The first room of the data's journey. :mod:`.read` turns a CSV (any delimiter, encoding, decimal mark,
NA markers, detection limits; :mod:`.units` says which unit suffixes are stripped, :mod:`.row_shape`
refuses rows with too many fields) into a validated :class:`~.read.LoadedTable`; :mod:`.label_guess`
proposes the label column and positive class a clinician would pick, with reasons (the
value word rules in :mod:`.label_values`); :mod:`.task` turns
a table plus a :class:`~.task.TaskSpec` (label, positive classes or codes, grouping, columns) into
:class:`~.task.PreparedData` (features ``X``, integer label ``y``); :mod:`.profile` describes balance,
quality and sample size; :mod:`.identifiers` finds patient IDs that repeat (by name or behaviour) and
the key that joins results back to the file; :mod:`.after_outcome` flags columns that may be recorded after
the outcome (follow-up time, length of stay); :mod:`.bundled` holds the real data sets shipped in
``sample_data/``;
:mod:`.zip_safety` checks an archive before anything reads it; :mod:`.memory_room` refuses an upload
the server has no memory left to read. Nothing here imports from a later
stage (learning, evaluation, maps, report, CLI).
"""

__all__ = [
    "after_outcome",
    "bundled",
    "identifiers",
    "label_guess",
    "label_values",
    "memory_room",
    "profile",
    "read",
    "row_shape",
    "task",
    "units",
    "zip_safety",
]

"""The one exception type for a person's mistakes (bad file, impossible setting).

Its message is a plain sentence saying what is wrong and what to do. The app shows it with
``st.error``; the CLI prints it on stderr and exits with status 2. It never quotes a cell value.
"""


class DataError(ValueError):
    """A problem with the user's input, explained in one or two plain sentences."""

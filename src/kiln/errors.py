"""The one exception users see: a single line naming the cause and the fix."""


class KilnError(Exception):
    """A problem with the user's input or environment.

    The message is one line, says what is wrong and what to do; the CLI
    prints it as `kiln: error: ...` and exits with `status` (2 for bad
    input, 1 when a build or run failed on valid input).
    """

    def __init__(self, message: str, status: int = 2):
        super().__init__(message)
        self.status = status

"""The one error the build raises for bad input: it names the file and the line."""


class BuildError(Exception):
    """Bad input. Printed as `FILE:LINE: message` (or `FILE: message` without a line)."""

    def __init__(self, file, line, message):
        self.file = str(file)
        self.line = line
        self.message = message
        super().__init__(str(self))

    def __reduce__(self):  # so that it crosses from a worker process to the build intact
        return type(self), (self.file, self.line, self.message)

    def __str__(self):
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        return f"{where}: {self.message}"

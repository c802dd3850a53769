"""The whole error vocabulary of covplan, on one screen.

Every error is a small subclass of a built-in exception, so callers can catch
``ValueError`` or ``RuntimeError`` without importing covplan. Messages say what
is wrong *and what to do*; :class:`InputError` also names the file, the row (as
a spreadsheet shows it: the header is row 1), the column and the value.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = [
    "CRSError",
    "CaptureError",
    "CovplanError",
    "InfeasibleCoverError",
    "InputError",
    "Problem",
    "SolverError",
]


class CovplanError(Exception):
    """Base class of every error covplan raises on purpose."""


@dataclass(frozen=True)
class Problem:
    """One problem found in an input file.

    Parameters
    ----------
    message
        What is wrong and what to do, in one sentence.
    file
        The file the problem is in, if any.
    row
        The row as a spreadsheet shows it (header is row 1), if any.
    column
        The column name, if any.
    value
        The offending value, if any (shown with ``repr``).
    """

    message: str
    file: str | None = None
    row: int | None = None
    column: str | None = None
    value: Any = None

    def __str__(self) -> str:
        """Render as ``file row R, column C: 'value' message``."""
        return self.render()

    def render(self, row: str = "row {row}", column: str = "column {column}") -> str:
        """Render as ``file row R, column C: 'value' message`` with the words given.

        Parameters
        ----------
        row, column
            How to name the row and the column (``"dòng {row}"``, ``"cột {column}"``).

        Returns
        -------
        str
            One line.
        """
        where = []
        if self.file is not None:
            where.append(str(self.file))
        if self.row is not None:
            where.append(row.format(row=self.row))
        if self.column is not None:
            where.append(column.format(column=self.column))
        head = ", ".join(where[1:])
        head = f"{where[0]} {head}".strip() if where else ""
        val = f"{self.value!r} " if self.value is not None else ""
        return f"{head}: {val}{self.message}" if head else f"{val}{self.message}"


class InputError(CovplanError, ValueError):
    """Bad input: a file, row, column or value that covplan cannot use.

    Carries every :class:`Problem` found (validation collects them all at once),
    so ``str(err)`` lists them and ``err.problems`` lets a program walk them.

    Parameters
    ----------
    message
        What is wrong and what to do. When ``problems`` is given and
        ``message`` is empty, the message is built from them.
    file, row, column, value
        Where the problem is, for a single-problem error.
    problems
        Every problem found.
    """

    def __init__(
        self,
        message: str = "",
        *,
        file: str | Path | None = None,
        row: int | None = None,
        column: str | None = None,
        value: Any = None,
        problems: Sequence[Problem] | None = None,
    ) -> None:
        given = problems is not None
        if problems is None:
            problems = [
                Problem(
                    message,
                    None if file is None else str(file),
                    row,
                    column,
                    value,
                )
            ]
        self.problems: list[Problem] = list(problems)
        self.file = None if file is None else str(file)
        self.row = row
        self.column = column
        self.value = value
        self._message, self._given = message, given
        super().__init__(self.render())

    def render(self, row: str = "row {row}", column: str = "column {column}") -> str:
        """Render the error with the words given for the row and the column.

        Parameters
        ----------
        row, column
            How to name the row and the column (``"dòng {row}"``, ``"cột {column}"``).

        Returns
        -------
        str
            The message: one line for one problem, else a line per problem.
        """
        if len(self.problems) == 1 and not (self._message and self._given):
            return self.problems[0].render(row, column)
        lines = [self._message or f"{len(self.problems)} problems found:"]
        lines += [f"  - {p.render(row, column)}" for p in self.problems]
        return "\n".join(lines)


class CRSError(CovplanError, ValueError):
    """A GeoDataFrame without a CRS, or in degrees where metres are needed."""


class InfeasibleCoverError(CovplanError, ValueError):
    """Targets that no camera pose can see at the level they need.

    Parameters
    ----------
    message
        What is wrong and what to do.
    targets
        The uncoverable targets, as records (``target_id``, ``route_id``,
        ``lon``, ``lat``, and whatever else explains them).
    """

    def __init__(self, message: str, targets: Iterable[dict[str, Any]] = ()) -> None:
        self.targets: list[dict[str, Any]] = list(targets)
        super().__init__(message)


class CaptureError(CovplanError, RuntimeError):
    """A camera stream that cannot be opened or read in time.

    The message never contains a password: URLs are redacted before they are
    put in it.
    """


class SolverError(CovplanError, RuntimeError):
    """The ILP solver is missing, failed, or stopped without a usable plan."""

"""Figures the reliability tests measure (attempts thrown at a promise, how many broke it).

Each test records its figures here; conftest.py prints them after the run, so the numbers in a
report always come from a run and never from memory.
"""

from dataclasses import dataclass

FIGURES: list["Figure"] = []


@dataclass
class Figure:
    surface: str
    attempts: int
    broke: int
    unit: str = "threads"

    def line(self) -> str:
        return f"{self.surface:<62} {self.attempts:>6} {self.unit:<9} {self.broke:>4} broke it"


def record(surface: str, *, attempts: int, broke: int, unit: str = "threads") -> None:
    FIGURES.append(Figure(surface, attempts, broke, unit))

"""Fault injection: the next call(s) of an operation fail the way a real outage does."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["Fault", "Faults"]


@dataclass
class Fault:
    operation_id: str | None  # None: any operation
    status: int | None  # None with timeout/connect_error
    times: int
    headers: dict[str, str] = field(default_factory=dict)
    body: object = None
    message: str | None = None
    timeout: bool = False
    connect_error: bool = False


class Faults:
    def __init__(self) -> None:
        self._pending: list[Fault] = []

    def add(self, fault: Fault) -> None:
        if fault.times < 1:
            raise ValueError(f"times must be >= 1, got {fault.times}")
        self._pending.append(fault)

    def take(self, operation_id: str) -> Fault | None:
        """The first pending fault for this operation, used up once."""
        for fault in self._pending:
            if fault.operation_id in (None, operation_id):
                fault.times -= 1
                if fault.times == 0:
                    self._pending.remove(fault)
                return fault
        return None

    def clear(self) -> None:
        self._pending.clear()

    @property
    def pending(self) -> list[Fault]:
        return list(self._pending)

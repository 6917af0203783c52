"""Who is acting: a customer, a staff member (with role and department), or the system."""

from __future__ import annotations

from dataclasses import dataclass

from conversations.base.values import ActorKind, Role


@dataclass(frozen=True)
class Actor:
    kind: ActorKind
    id: int | None = None
    name: str = ""
    role: Role | None = None
    department: str | None = None

    @classmethod
    def system(cls) -> Actor:
        return cls(ActorKind.SYSTEM)

    @classmethod
    def customer(cls, customer_id: int) -> Actor:
        return cls(ActorKind.CUSTOMER, customer_id)

    @property
    def is_manager(self) -> bool:
        return self.role is Role.MANAGER

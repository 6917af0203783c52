"""Names of the service-level steps in the reader's language."""

from __future__ import annotations

from gettext import NullTranslations

from conversations.base.policy import Step


def step_label(t: NullTranslations, step: str) -> str:
    g = t.gettext
    labels = {
        Step.ACKNOWLEDGE: g("acknowledge"),
        Step.PROPOSE: g("propose a solution"),
        Step.IMPLEMENT: g("carry out the solution"),
        Step.FOLLOW_UP: g("follow up"),
        Step.ANSWER: g("answer the inquiry"),
        Step.VERIFY: g("verify the corrective action"),
        Step.INVESTIGATE: g("start the investigation"),
        Step.ACCEPT: g("customer decides on the solution"),
        Step.RESOLVE: g("resolve the case"),
    }
    return labels.get(Step(step), step) if step in set(Step) else step

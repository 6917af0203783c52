"""Every stored name a person reads has words in each language, never the raw key
(issue 12: the progress report and the Mini App page showed 'survey_sent')."""

from __future__ import annotations

from gettext import NullTranslations

import pytest

from conversations.base.i18n import translation
from conversations.base.policy import Language, Step
from conversations.base.steps import step_label
from conversations.base.values import CaseStatus, EventKind, Role
from conversations.wording import event_label, role_label, status_label


class Marked(NullTranslations):
    """Every message goes through gettext visibly, so a raw key falling through shows:
    in English 'closed' is both a key and its own label."""

    def gettext(self, message: str) -> str:
        return f"<{message}>"


@pytest.mark.parametrize("kind", list(EventKind))
def test_every_event_kind_has_a_label_not_its_key(kind: EventKind) -> None:
    label = event_label(Marked(), kind)
    assert label.startswith("<") and label.endswith(">"), label


def test_every_status_step_and_role_has_a_label_not_its_key() -> None:
    raw = [s for s in CaseStatus if not status_label(Marked(), s).startswith("<")]
    raw += [s for s in Step if not step_label(Marked(), s).startswith("<")]
    raw += [r for r in Role if not role_label(Marked(), r).startswith("<")]
    assert raw == []


@pytest.mark.parametrize("language", [Language.ZH_HANS, Language.ZH_HANT])
def test_event_labels_are_translated_and_distinct(language: Language) -> None:
    """Two kinds never read alike, and Chinese readers never get the English words or keys."""
    t, en = translation(language), translation(Language.EN)
    labels = [event_label(t, kind) for kind in EventKind]
    assert len(set(labels)) == len(labels)
    untranslated = [k for k in EventKind if event_label(t, k) == event_label(en, k)]
    assert untranslated == []

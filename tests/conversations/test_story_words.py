"""The word list the story reader segments Chinese with (conversations/reading/
jieba_words.txt, issue 18's memory): jieba's 60,000 most frequent words, in jieba's own
format, the one the reader loads; it still cuts a complaint into the words that matter."""

from __future__ import annotations

from conversations.reading import segment


def test_the_shipped_list_is_jiebas_most_frequent_words() -> None:
    lines = segment.WORDS.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 60_000
    frequencies = [int(line.split()[1]) for line in lines]
    assert frequencies == sorted(frequencies, reverse=True)
    assert all(len(line.split()) in {2, 3} for line in lines)


def test_the_reader_cuts_with_it() -> None:
    text = "快递三天都没到，物流显示已签收但我根本没收到包裹"
    words = [text[start:end] for start, end in segment.words(text)]
    assert "".join(words) == text
    assert {"快递", "物流", "包裹"} <= set(words)

from letters.plaintext import markdown_to_text, summarize


def test_emphasis_markers_are_removed_and_paragraphs_separated_by_a_blank_line():
    text = markdown_to_text("We *urge* you to **act**\nnow.\n\nThank you.")

    assert text == "We urge you to act now.\n\nThank you."


def test_lists_become_numbered_and_dashed_lines():
    text = markdown_to_text("Asks:\n\n3. Stop\n4. Listen\n   - closely\n\n- and\n- act")

    assert text == "Asks:\n\n3. Stop\n4. Listen\n   - closely\n\n- and\n- act"


def test_links_keep_their_address_in_parentheses():
    text = markdown_to_text("See [the report](https://example.org/r) or <https://example.org>.")

    assert text == "See the report (https://example.org/r) or https://example.org."


def test_headings_quotes_and_code_stay_readable():
    text = markdown_to_text("## Why\n\n> They said\n> no.\n\n    code line\n\n---")

    assert text == "Why\n\n> They said no.\n\n    code line\n\n* * *"


def test_raw_html_is_kept_as_text_not_interpreted():
    assert markdown_to_text("a <b>bold</b> claim") == "a <b>bold</b> claim"


def test_summary_cuts_at_a_word_with_an_ellipsis():
    summary = summarize("word " * 100, limit=23)

    assert summary == "word word word word…"
    assert len(summary) <= 23


def test_short_summary_is_whole_and_on_one_line():
    assert summarize("Two\n\nlines") == "Two lines"

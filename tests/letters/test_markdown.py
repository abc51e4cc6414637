from letters.markdown import render_markdown


def test_markdown_paragraphs_and_lists_become_html():
    html = render_markdown("First paragraph.\n\nSecond *with emphasis*.\n\n1. one\n2. two")
    assert "<p>First paragraph.</p>" in html
    assert "<em>with emphasis</em>" in html
    assert "<ol>" in html and "<li>one</li>" in html


def test_raw_html_and_scripts_in_the_body_are_not_rendered():
    html = render_markdown('Hello <script>alert(1)</script> <img src=x onerror="alert(2)">')
    assert "<script" not in html
    assert "<img" not in html
    assert "onerror" not in html or "&lt;" in html


def test_javascript_links_are_dropped():
    html = render_markdown("[click](javascript:alert(1)) and [ok](https://example.org)")
    assert 'href="javascript' not in html
    assert 'href="https://example.org"' in html
    assert 'rel="noopener noreferrer nofollow"' in html

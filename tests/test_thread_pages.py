"""Forum threads and live tickers whose posts sit in comment-named boxes: the
posts are the page's content when nothing else holds prose; an article under a
long comment thread keeps its article and drops the comments (issue 11)."""

from __future__ import annotations

from condition_archive.extract import extract_page

POST = ("Since the update my phone no longer reaches the app store over mobile data, "
        "although every other app still works, and I changed no setting at all. {n}")


def _posts(count: int) -> str:
    return "".join(f'<div class="forum-comment" id="comment-{n}"><div class="comment-text">'
                   f"<p>{POST.format(n=n)}</p></div></div>" for n in range(count))


def test_a_thread_of_comment_boxes_is_the_content():
    html = (f"<html><body><nav><a href='/'>Home</a> <a href='/forum'>Forum</a></nav>"
            f"<main><h1>No app store over mobile data</h1>{_posts(6)}</main>"
            f"<footer>Imprint</footer></body></html>")
    body = extract_page(html, "https://forum.test/t/1").body_text
    for n in range(6):
        assert POST.format(n=n) in body
    assert "Imprint" not in body and "Forum" not in body


def test_an_article_under_a_long_thread_keeps_only_the_article():
    article = " ".join(f"<p>Paragraph {n} of the article explains what changed in the law, "
                       f"who it concerns and what readers should do now.</p>" for n in range(4))
    html = (f"<html><body><article><h1>The new law</h1><div class='entry-content'>{article}</div>"
            f"</article><ol class='commentlist'>{_posts(30)}</ol></body></html>")
    body = extract_page(html, "https://blog.test/2020/law").body_text
    assert "Paragraph 3 of the article" in body
    assert "app store" not in body


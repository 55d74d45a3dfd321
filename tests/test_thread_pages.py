"""Forum threads and live tickers whose posts sit in comment-named boxes: the
posts are the page's content when nothing else holds prose; an article under a
long comment thread keeps its article and drops the comments (issue 11). A
caption repeated under every photo of a gallery is read once."""

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



def test_a_caption_repeated_under_every_photo_is_read_once():
    caption = "The ensemble on stage during the festival performance in the old palace theatre"
    photos = "".join(f"<figure><img src='/p{n}.jpg'><figcaption>{caption}</figcaption></figure>"
                     for n in range(5))
    other = "A second, different caption that says what the last photo of the evening shows"
    html = (f"<html><body><article><h1>Festival</h1><p>The festival opened with a performance "
            f"that sold out within the hour, and the critics were kind to it.</p>{photos}"
            f"<figure><img src='/last.jpg'><figcaption>{other}</figcaption></figure></article></body></html>")
    body = extract_page(html, "https://theatre.test/blog/festival").body_text
    assert body.count(caption) == 1
    assert other in body


def test_a_figcaption_inside_a_caption_classed_figure_is_kept():
    caption = "The sciatic nerve runs from the lower back, through the buttock and down each leg."
    html = ("<html><body><article><h1>Sciatica</h1><p>Sciatica is pain along the sciatic nerve, "
            "and it usually gets better on its own within a few weeks of rest.</p>"
            f"<figure class='wp-caption'><img src='/n.png'><figcaption class='wp-caption-text'>{caption}"
            "</figcaption></figure></article></body></html>")
    assert caption in extract_page(html, "https://health.test/sciatica").body_text

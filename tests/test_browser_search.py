"""Search in the browser: Chinese words inside sentences, filters, and the header search box."""

from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select, WebDriverWait


class NoticeText(HTMLParser):
    """Collect the title and body text of a built notice page."""

    def __init__(self):
        super().__init__()
        self.depth, self.text = 0, []

    def handle_starttag(self, tag, attrs):
        if self.depth or "data-pagefind-body" in dict(attrs):
            self.depth += 1

    def handle_endtag(self, tag):
        if self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if self.depth:
            self.text.append(data)


def notices_containing(output: Path, word: str, category: str | None = None) -> set[str]:
    """Return the titles of published notices whose indexed text holds `word`, read from the built pages."""
    found = set()
    for path in output.glob("*/*/index.html"):
        if path.parent.parent.name == "page":
            continue
        html = path.read_text(encoding="utf-8")
        if "data-pagefind-body" not in html:
            continue
        parser = NoticeText()
        parser.feed(html)
        if word in "".join(parser.text) and (category is None or f'data-pagefind-filter="category">{category}<' in html):
            title = html.split('data-pagefind-meta="title">', 1)[1].split("<", 1)[0]
            found.add(title)
    return found


def results(driver):
    """Wait for the search to finish and return the result items."""
    WebDriverWait(driver, 20).until(lambda d: "正在搜索" not in d.find_element(By.CSS_SELECTOR, "[data-search-status]").text
                                    and d.find_element(By.CSS_SELECTOR, "[data-search-status]").text)
    return driver.find_elements(By.CSS_SELECTOR, ".search-results > li")


def test_header_box_finds_a_two_character_word_inside_sentences(page, site_url, sample_output):
    word = "复印"  # never in a title; inside sentences such as 户口簿复印件
    want = notices_containing(sample_output, word)
    assert len(want) >= 2
    box = page.find_element(By.CSS_SELECTOR, ".site-search input[name=q]")
    box.send_keys(word, Keys.ENTER)
    WebDriverWait(page, 10).until(lambda d: "/search/" in d.current_url)
    assert page.current_url == site_url + "search/?q=" + quote(word)
    items = results(page)
    assert {i.find_element(By.CSS_SELECTOR, "h2 a").text for i in items} == want
    first = items[0]
    meta = first.find_element(By.CSS_SELECTOR, ".search-result-meta").text
    assert meta[:4].isdigit() and meta[4] == "-" and " · " in meta  # date · category
    marks = first.find_elements(By.CSS_SELECTOR, ".search-result-excerpt mark")
    assert marks and all(word in m.text for m in marks)
    first.find_element(By.CSS_SELECTOR, "h2 a").click()
    assert page.find_element(By.CSS_SELECTOR, "article h1").text in want
    assert page.current_url.startswith(site_url)


def test_filters_narrow_by_category_and_year(page, site_url, sample_output):
    word = "窗口"
    page.get(site_url + "search/?q=" + quote(word))
    everything = {i.find_element(By.CSS_SELECTOR, "h2 a").text for i in results(page)}
    assert everything == notices_containing(sample_output, word)
    Select(page.find_element(By.ID, "search-category")).select_by_visible_text("服务承诺")
    page.find_element(By.CSS_SELECTOR, ".search-form button").click()
    items = results(page)
    titles = {i.find_element(By.CSS_SELECTOR, "h2 a").text for i in items}
    assert titles == notices_containing(sample_output, word, "服务承诺") and titles < everything
    assert all("服务承诺" in i.find_element(By.CSS_SELECTOR, ".search-result-meta").text for i in items)
    # A year with no such notice: an honest empty result, not an error.
    Select(page.find_element(By.ID, "search-year")).select_by_visible_text("2021 年")
    page.find_element(By.CSS_SELECTOR, ".search-form button").click()
    items = results(page)
    dates = [i.find_element(By.CSS_SELECTOR, ".search-result-meta").text[:4] for i in items]
    assert all(d == "2021" for d in dates)
    if not items:
        assert "没有找到" in page.find_element(By.CSS_SELECTOR, "[data-search-status]").text


def test_hidden_notices_are_never_found(page, site_url):
    # A draft, a notice not yet due and an 依申请公开 reply in the sample content, by words of their titles.
    for word, hidden in (("征求意见稿", "2027年度工作计划"), ("节庆", "2027年春季节庆"), ("整改", "消防整改情况的答复")):
        page.get(site_url + "search/?q=" + quote(word))
        titles = [i.find_element(By.CSS_SELECTOR, "h2 a").text for i in results(page)]
        assert not any(hidden in t for t in titles), (word, titles)


def test_filters_narrow_by_genre_and_topic_without_a_word(page, site_url, sample_output):
    gongshi = {p for p in sample_output.glob("*/*/index.html")
               if 'data-pagefind-filter="genre">公示<' in p.read_text(encoding="utf-8")}
    assert len(gongshi) >= 5
    page.get(site_url + "search/")
    Select(page.find_element(By.ID, "search-genre")).select_by_visible_text("公示")
    page.find_element(By.CSS_SELECTOR, ".search-form button").click()
    titles = {i.find_element(By.CSS_SELECTOR, "h2 a").text for i in results(page)}
    want = {p.read_text(encoding="utf-8").split('data-pagefind-meta="title">', 1)[1].split("<", 1)[0] for p in gongshi}
    assert len(want) <= 20 and titles == want  # all of them on the first page of results
    assert "genre=" + quote("公示") in page.current_url
    Select(page.find_element(By.ID, "search-topic")).select_by_visible_text("宗教事务")
    page.find_element(By.CSS_SELECTOR, ".search-form button").click()
    narrowed = {i.find_element(By.CSS_SELECTOR, "h2 a").text for i in results(page)}
    assert narrowed and narrowed <= want and all("民族" not in t for t in narrowed)

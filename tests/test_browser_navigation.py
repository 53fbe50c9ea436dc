"""A reader clicking through the served sample site in headless Chromium."""

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys


def click_link(driver, text, within="body"):
    """Click the first link with exactly this text inside `within`."""
    links = [a for a in driver.find_elements(By.CSS_SELECTOR, f"{within} a") if a.text.strip() == text]
    assert links, f"no link {text!r} in {within} of {driver.current_url}"
    links[0].click()


def test_board_category_page_two_notice_and_neighbours(page, site_url):
    assert page.find_element(By.TAG_NAME, "h1").get_attribute("textContent") == "星海市民族和宗教事务局政务公开栏"
    click_link(page, "办事结果", ".site-nav")
    assert page.current_url == site_url + "results/"
    assert page.find_element(By.CSS_SELECTOR, "main h1").text == "办事结果"
    first_page = [a.text for a in page.find_elements(By.CSS_SELECTOR, ".notice-list a")]
    click_link(page, "下一页", ".pager")
    assert page.current_url == site_url + "results/page/2/"
    assert "第 2 页" in page.find_element(By.CSS_SELECTOR, ".pager-status").text
    second_page = [a.text for a in page.find_elements(By.CSS_SELECTOR, ".notice-list a")]
    assert second_page and not set(first_page) & set(second_page)
    title = second_page[0]
    page.find_element(By.CSS_SELECTOR, ".notice-list a").click()
    assert page.find_element(By.CSS_SELECTOR, "article h1").text == title
    # Previous/next walk between neighbours of the same category, and back again.
    older = page.find_element(By.CSS_SELECTOR, ".prev-next a[rel=next]")
    older_title, here = older.text, page.current_url
    older.click()
    assert page.find_element(By.CSS_SELECTOR, "article h1").text == older_title
    page.find_element(By.CSS_SELECTOR, ".prev-next a[rel=prev]").click()
    assert page.current_url == here


def test_keyboard_alone_reaches_the_content(page, site_url):
    body = page.find_element(By.TAG_NAME, "body")
    body.send_keys(Keys.TAB)
    skip = page.switch_to.active_element
    assert skip.text == "跳到正文"
    outline = page.execute_script("return getComputedStyle(arguments[0]).outlineStyle", skip)
    assert outline != "none"  # focus is visible
    skip.send_keys(Keys.ENTER)
    assert page.execute_script("return document.activeElement.id") == "main"
    # The next Tab lands inside the main content, past header and navigation.
    page.switch_to.active_element.send_keys(Keys.TAB)
    assert page.execute_script("return document.querySelector('main').contains(document.activeElement)")


def test_unknown_address_shows_the_404_page(page, site_url):
    page.get(site_url + "no/such/page/")
    assert page.find_element(By.TAG_NAME, "h1").text == "页面不存在"
    click_link(page, "返回首页", "main")
    assert page.current_url == site_url

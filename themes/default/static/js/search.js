// Search page: query the Pagefind index built into the site, entirely in the browser.
// Without JavaScript the page's <noscript> part points readers to the category lists.
(function () {
  "use strict";
  var form = document.querySelector("form[data-search-bundle]");
  if (!form) { return; }
  var status = document.querySelector("[data-search-status]");
  var list = document.querySelector("[data-search-results]");
  var PAGE = 20;
  var engine = null;

  function load() {
    // The index comes in shards (pagefind/shards.json names them), each its own Pagefind bundle:
    // the first is loaded, the others merged into it, and every search then covers them all.
    // Resolved from this page, so any sub-path works.
    if (!engine) {
      var bundle = new URL(form.getAttribute("data-search-bundle"), document.baseURI).href;
      var root = new URL(form.getAttribute("data-site-root"), document.baseURI).pathname;
      var options = { baseUrl: root, excerptLength: 40 };
      engine = fetch(bundle + "shards.json").then(function (response) {
        if (!response.ok) { throw new Error("shards.json: " + response.status); }
        return response.json();
      }).then(function (list) {
        var shards = list.shards || [];
        if (!shards.length) { return null; }  // nothing published yet
        return import(bundle + shards[0] + "/pagefind.js").then(function (pagefind) {
          return pagefind.options(options).then(function () {
            return Promise.all(shards.slice(1).map(function (name) {
              return pagefind.mergeIndex(bundle + name + "/", Object.assign({}, options));
            }));
          }).then(function () { return pagefind; });
        });
      }).catch(function (error) {
        engine = null;  // loaded while the page opened, it is tried again when the reader searches
        throw error;
      });
    }
    return engine;
  }

  // The words Pagefind makes of a query: the browser's word segmentation (Chinese has no spaces),
  // punctuation dropped, as its own search does before it looks the words up.
  var PUNCTUATION = /^\p{Pd}|\p{Pe}|\p{Pf}|\p{Pi}|\p{Po}|\p{Ps}$/u;
  function words(q) {
    if (typeof Intl === "undefined" || !Intl.Segmenter) { return q.split(/\s+/).filter(Boolean); }
    var lang = document.documentElement.lang || "zh-CN";
    var graphemes = new Intl.Segmenter(lang, { granularity: "grapheme" });
    var found = [];
    Array.from(new Intl.Segmenter(lang, { granularity: "word" }).segment(q)).forEach(function (part) {
      var kept = Array.from(graphemes.segment(part.segment)).map(function (g) { return g.segment; })
        .filter(function (g) { return !PUNCTUATION.test(g); }).join("").trim();
      if (kept) { found.push(kept); }
    });
    return found;
  }

  // A shard that lacks one word of a query of several words would match pages by the others alone
  // (Pagefind leaves out a word its index lacks); one index over the whole site would not. So the
  // search keeps to the shards that hold every word the site holds: null when nothing need be kept
  // out, else the names of those shards (each page carries its shard as the filter "shard").
  function shardsHolding(pagefind, q) {
    var list = /^\s*".+"\s*$/.test(q) ? [] : words(q);
    if (list.length < 2) { return Promise.resolve(null); }
    // A search counts its results by filter value once the filters are loaded.
    return pagefind.filters().then(function () {
      return Promise.all(list.map(function (word) {
        return pagefind.search(word).then(function (found) {
          return found.results.length ? (found.filters && found.filters.shard) || {} : null;
        });
      }));
    }).then(function (counts) {
      var held = counts.filter(Boolean);  // a word the whole site lacks is left out by one index too
      if (!held.length) { return null; }
      return Object.keys(held[0]).filter(function (name) {
        return held.every(function (count) { return count[name] > 0; });
      });
    });
  }

  function search(pagefind, q, filters) {
    if (!pagefind) { return Promise.resolve({ results: [] }); }
    return (q ? shardsHolding(pagefind, q) : Promise.resolve(null)).then(function (shards) {
      if (shards && !shards.length) { return { results: [] }; }
      var narrowed = shards ? Object.assign({}, filters, { shard: { any: shards } }) : filters;
      return pagefind.search(q || null, { filters: narrowed });
    });
  }

  // Keep only the text and Pagefind's <mark> highlights of an excerpt.
  function excerptNodes(html, target) {
    var holder = document.createElement("template");
    holder.innerHTML = html;
    holder.content.childNodes.forEach(function (node) {
      if (node.nodeName === "MARK") {
        var mark = document.createElement("mark");
        mark.textContent = node.textContent;
        target.appendChild(mark);
      } else {
        target.appendChild(document.createTextNode(node.textContent));
      }
    });
  }

  function show(item) {
    var li = document.createElement("li");
    var heading = document.createElement("h2");
    var link = document.createElement("a");
    link.href = item.url;
    link.textContent = item.meta.title || item.url;
    heading.appendChild(link);
    li.appendChild(heading);
    var meta = document.createElement("p");
    meta.className = "search-result-meta";
    var category = (item.filters.category || []).join("、");
    meta.textContent = [item.meta.date ? item.meta.date.slice(0, 10) : "", category].filter(Boolean).join(" · ");
    li.appendChild(meta);
    var excerpt = document.createElement("p");
    excerpt.className = "search-result-excerpt";
    excerptNodes(item.excerpt || "", excerpt);
    li.appendChild(excerpt);
    return li;
  }

  function run() {
    var params = new URLSearchParams(window.location.search);
    var q = (params.get("q") || "").trim();
    var filters = {};
    ["category", "year", "topic", "genre"].forEach(function (name) {
      if (!form.elements[name]) { return; }  // a filter the site has no values for
      var value = params.get(name) || "";
      form.elements[name].value = value;
      if (value) { filters[name] = value; }
    });
    form.elements.q.value = q;
    list.replaceChildren();
    if (!q && !Object.keys(filters).length) {
      status.textContent = "请输入关键词，或选择分类、年份等筛选条件。";
      return;
    }
    status.textContent = "正在搜索……";
    load().then(function (pagefind) {
      return search(pagefind, q, filters);
    }).then(function (search) {
      var shown = search.results.slice(0, PAGE);
      return Promise.all(shown.map(function (r) { return r.data(); })).then(function (items) {
        items.forEach(function (item) { list.appendChild(show(item)); });
        var total = search.results.length;
        status.textContent = total === 0 ? "没有找到相关公告，请换一个关键词或放宽筛选条件。"
          : "找到 " + total + " 条公告" + (total > PAGE ? "，显示前 " + PAGE + " 条" : "") + "。";
      });
    }).catch(function () {
      status.textContent = "搜索暂时无法使用，请从栏目列表中查找公告。";
    });
  }

  // The index loads while the reader types, not after Enter: Pagefind and every shard's metadata as
  // soon as the page opens (a request or two per shard). Preloading the words typed as well, as
  // Pagefind's own interface does, made the first results slower (a request per shard for each).
  load().catch(function () {});  // a failure shows when the reader searches: run() reports it then

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var params = new URLSearchParams();
    ["q", "category", "year", "topic", "genre"].forEach(function (name) {
      if (!form.elements[name]) { return; }
      var value = form.elements[name].value.trim();
      if (value) { params.set(name, value); }
    });
    window.history.pushState(null, "", "?" + params.toString());
    run();
  });
  window.addEventListener("popstate", run);
  run();
})();

// govpress 站内搜索: reads the index `govpress build` writes under search/ and answers exactly as
// `govpress search` does (the algorithm and format: src/search/query.rs, src/search/build.rs).
// Same-origin files only; no inline script, no eval, no wasm.

const VERSION = 1;
const BEFORE = 30;
const LENGTH = 120;
const PAGE = 20;

const isSpace = (c) =>
  c <= 0x20 || c === 0x7f || c === 0x85 || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200b) ||
  c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;

function fold(c) {
  if (c >= 0x41 && c <= 0x5a) return c + 0x20;
  if (c >= 0xc0 && c <= 0xde && c !== 0xd7) return c + 0x20;
  if (c >= 0xff21 && c <= 0xff3a) return c - 0xff21 + 0x61;
  if (c >= 0xff41 && c <= 0xff5a) return c - 0xff41 + 0x61;
  if (c >= 0xff10 && c <= 0xff19) return c - 0xff10 + 0x30;
  return c;
}

const codes = (text) => Array.from(text, (ch) => ch.codePointAt(0));

export function terms(query) {
  const found = [];
  const seen = new Set();
  let word = [];
  const end = () => {
    const key = word.join(',');
    if (word.length && !seen.has(key)) { seen.add(key); found.push(word); }
    word = [];
  };
  for (const c of codes(query)) {
    if (isSpace(c)) end(); else word.push(fold(c));
  }
  end();
  return found;
}

function shardOf(key, shards) {
  let hash = 0x811c9dc5;
  for (const c of key) {
    for (let shift = 0; shift < 32; shift += 8) {
      hash = Math.imul((hash ^ ((c >>> shift) & 0xff)) >>> 0, 0x01000193) >>> 0;
    }
  }
  return hash % Math.max(shards, 1);
}

function bigramOffsets(length) {
  if (length < 2) return [];
  const offsets = [];
  for (let at = 0; at < length - 1; at += 2) offsets.push(at);
  if (offsets[offsets.length - 1] !== length - 2) offsets.push(length - 2);
  return offsets;
}

class Reader {
  constructor(bytes, at = 0) { this.bytes = bytes; this.at = at; }
  next() {
    let value = 0;
    for (let shift = 0; ; shift += 7) {
      if (this.at >= this.bytes.length || shift > 28) throw new Error('搜索索引格式错误');
      const byte = this.bytes[this.at++];
      value += (byte & 0x7f) * 2 ** shift;
      if (!(byte & 0x80)) return value;
    }
  }
}

/** A shard's entries: key ("c1,c2") → [start, end) of its payload. */
function parseShard(bytes) {
  const entries = new Map();
  const reader = new Reader(bytes);
  while (reader.at < bytes.length) {
    const length = reader.next();
    const key = [];
    for (let index = 0; index < length; index++) key.push(reader.next());
    const size = reader.next();
    if (reader.at + size > bytes.length) throw new Error('搜索索引格式错误');
    entries.set(key.join(','), bytes.subarray(reader.at, reader.at + size));
    reader.at += size;
  }
  return entries;
}

function readDocuments(payload) {
  const reader = new Reader(payload);
  const docs = [];
  let doc = 0;
  for (let count = reader.next(); count > 0; count--) docs.push((doc += reader.next()));
  return docs;
}

function readPositions(payload) {
  const reader = new Reader(payload);
  const docs = new Map();
  let doc = 0;
  for (let count = reader.next(); count > 0; count--) {
    doc += reader.next();
    const positions = new Set();
    let position = 0;
    for (let n = reader.next(); n > 0; n--) positions.add((position += reader.next()));
    docs.set(doc, positions);
  }
  return docs;
}

function contains(text, term) {
  if (!term.length) return false;
  outer: for (let start = 0; start + term.length <= text.length; start++) {
    for (let index = 0; index < term.length; index++) if (text[start + index] !== term[index]) continue outer;
    return true;
  }
  return false;
}

const compareSort = (a, b) => (a === b ? 0 : a === null ? -1 : b === null ? 1 : a < b ? -1 : 1);

const ESCAPES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function snippet(text, queryTerms) {
  const chars = Array.from(text);
  const folded = chars.map((ch) => fold(ch.codePointAt(0)));
  const hits = [];
  for (const term of queryTerms) {
    if (!term.length) continue;
    outer: for (let start = 0; start + term.length <= folded.length; start++) {
      for (let index = 0; index < term.length; index++) if (folded[start + index] !== term[index]) continue outer;
      hits.push([start, start + term.length]);
    }
  }
  const first = hits.length ? Math.min(...hits.map((hit) => hit[0])) : 0;
  const from = Math.max(0, first - BEFORE);
  const to = Math.min(from + LENGTH, chars.length);
  const marks = hits
    .filter(([start, end]) => start < to && end > from)
    .map(([start, end]) => [Math.max(start, from), Math.min(end, to)])
    .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const merged = [];
  for (const [start, end] of marks) {
    const last = merged[merged.length - 1];
    if (last && start <= last[1]) last[1] = Math.max(last[1], end); else merged.push([start, end]);
  }
  let html = from > 0 ? '…' : '';
  let next = 0;
  let openUntil = -1;
  for (let at = from; at < to; at++) {
    if (openUntil === at) { html += '</mark>'; openUntil = -1; }
    if (next < merged.length && merged[next][0] === at) { html += '<mark>'; openUntil = merged[next][1]; next++; }
    const ch = chars[at];
    html += ESCAPES[ch] || (isSpace(folded[at]) ? ' ' : ch);
  }
  if (openUntil !== -1) html += '</mark>';
  if (to < chars.length) html += '…';
  return html;
}

async function inflate(bytes) {
  if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes;
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

async function httpFetch(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`无法读取搜索索引 ${url}（${response.status}）`);
  return new Uint8Array(await response.arrayBuffer());
}

/** Opens the index under `base` (a URL or path ending in `/`); `load(url)` gives a file's bytes. */
export async function openIndex(base, load = httpFetch) {
  const read = async (path) => inflate(await load(base + path));
  const manifest = JSON.parse(new TextDecoder().decode(await read('index.json')));
  if (manifest.version !== VERSION) throw new Error(`搜索索引版本 ${manifest.version} 不受支持`);
  return new SiteSearch(manifest, read);
}

class SiteSearch {
  constructor(manifest, read) {
    this.shards = Math.max(manifest.shards, 1);
    this.docs = manifest.docs.map(([url, title, date, sort, section, chunk]) => ({
      url, title, date, sort, section, chunk, folded: codes(title).map(fold),
    }));
    this.chunkStarts = new Map();
    this.docs.forEach((doc, number) => { if (!this.chunkStarts.has(doc.chunk)) this.chunkStarts.set(doc.chunk, number); });
    this.read = read;
    this.shardCache = new Map();
    this.chunkCache = new Map();
  }

  shard(number) {
    if (!this.shardCache.has(number)) {
      this.shardCache.set(number, this.read(`s/${number}.bin`).then(parseShard));
    }
    return this.shardCache.get(number);
  }

  chunk(number) {
    if (!this.chunkCache.has(number)) {
      this.chunkCache.set(number, this.read(`t/${number}.json`).then((bytes) => JSON.parse(new TextDecoder().decode(bytes))));
    }
    return this.chunkCache.get(number);
  }

  async entry(key) {
    return (await this.shard(shardOf(key, this.shards))).get(key.join(','));
  }

  async termDocs(term) {
    if (term.length === 1) {
      const payload = await this.entry(term);
      return payload ? readDocuments(payload) : [];
    }
    const offsets = bigramOffsets(term.length);
    const payloads = await Promise.all(offsets.map((at) => this.entry(term.slice(at, at + 2))));
    if (payloads.some((payload) => !payload)) return [];
    const [first, ...rest] = payloads.map(readPositions);
    const found = [];
    for (const [doc, starts] of first) {
      const others = [];
      let all = true;
      for (let index = 0; index < rest.length; index++) {
        const positions = rest[index].get(doc);
        if (!positions) { all = false; break; }
        others.push([offsets[index + 1], positions]);
      }
      if (!all) continue;
      for (const start of starts) {
        if (others.every(([offset, positions]) => positions.has(start + offset))) { found.push(doc); break; }
      }
    }
    return found;
  }

  /** The matching documents' numbers, ranked as `govpress search` ranks them. */
  async search(query) {
    const queryTerms = terms(query);
    if (!queryTerms.length) return [];
    const lists = await Promise.all(queryTerms.map((term) => this.termDocs(term)));
    let docs = lists[0];
    for (const list of lists.slice(1)) {
      const set = new Set(list);
      docs = docs.filter((doc) => set.has(doc));
    }
    const ranked = docs.map((doc) => {
      const entry = this.docs[doc];
      return [queryTerms.every((term) => contains(entry.folded, term)), entry.sort, doc];
    });
    ranked.sort((a, b) => (b[0] - a[0]) || compareSort(b[1], a[1]) || a[2] - b[2]);
    return ranked.map((item) => item[2]);
  }

  /** The results for `docs` with their snippets. */
  async results(query, docs) {
    const queryTerms = terms(query);
    return Promise.all(docs.map(async (number) => {
      const doc = this.docs[number];
      const texts = await this.chunk(doc.chunk);
      const text = texts[number - this.chunkStarts.get(doc.chunk)];
      if (typeof text !== 'string') throw new Error('搜索索引格式错误');
      return { url: doc.url, title: doc.title, date: doc.date, section: doc.section, snippet: snippet(text, queryTerms) };
    }));
  }
}

// The search page (site-template/templates/search.html).
function page() {
  const list = document.getElementById('search-results');
  const form = document.getElementById('search-form');
  const input = document.getElementById('search-q');
  const status = document.getElementById('search-status');
  const more = document.getElementById('search-more');
  if (!list || !form || !input || !status) return;
  const base = list.dataset.index || './';
  let opened = null;
  let current = { query: '', docs: [], shown: 0 };
  let generation = 0;

  const item = (result) => {
    const li = document.createElement('li');
    const link = document.createElement('a');
    link.href = result.url;
    link.textContent = result.title;
    const heading = document.createElement('h2');
    heading.append(link);
    const meta = document.createElement('p');
    meta.className = 'search-meta';
    if (result.date) {
      const time = document.createElement('time');
      time.dateTime = result.date;
      time.textContent = result.date;
      meta.append(time);
    }
    if (result.section) {
      const section = document.createElement('span');
      section.className = 'search-section';
      section.textContent = result.section;
      meta.append(result.date ? ' · ' : '', section);
    }
    const text = document.createElement('p');
    text.className = 'search-snippet';
    text.innerHTML = result.snippet; // escaped by snippet(); only <mark> is markup
    li.append(heading, meta, text);
    return li;
  };

  const showMore = async (mine) => {
    const slice = current.docs.slice(current.shown, current.shown + PAGE);
    const results = await opened.results(current.query, slice);
    if (mine !== generation) return;
    list.append(...results.map(item));
    current.shown += slice.length;
    if (more) more.hidden = current.shown >= current.docs.length;
  };

  const run = async (query) => {
    const mine = ++generation;
    const started = performance.now();
    query = query.trim();
    list.replaceChildren();
    list.dataset.total = '0';
    if (more) more.hidden = true;
    if (!query) { status.textContent = '请输入要搜索的词语。'; return; }
    status.textContent = '正在搜索…';
    try {
      opened = opened || (await openIndex(base));
      const docs = await opened.search(query);
      if (mine !== generation) return;
      current = { query, docs, shown: 0 };
      list.dataset.total = String(docs.length);
      await showMore(mine);
      if (mine !== generation) return;
      status.textContent = docs.length
        ? `找到 ${docs.length} 个包含“${query}”的页面。`
        : `没有找到包含“${query}”的页面，请换个词语再试。`;
      list.dataset.ms = String(Math.round(performance.now() - started));
    } catch (error) {
      if (mine === generation) status.textContent = `搜索出错：${error.message}`;
    }
  };

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const url = new URL(location.href);
    url.searchParams.set('q', input.value);
    history.replaceState(null, '', url);
    run(input.value);
  });
  if (more) {
    more.addEventListener('click', async () => {
      const first = current.shown;
      await showMore(generation);
      list.children[first]?.querySelector('a')?.focus();
    });
  }
  const query = new URLSearchParams(location.search).get('q') || '';
  input.value = query;
  if (query.trim()) run(query); else status.textContent = '请输入要搜索的词语。';
}

if (typeof document !== 'undefined') page();

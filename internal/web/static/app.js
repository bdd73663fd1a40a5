// tifa's page. Plain JavaScript, no framework, no build step. Every text
// that comes from documents or queries is inserted with textContent or as a
// text node, never as HTML. The whole state is in the URL (?q=…&q=…&by=…),
// so that a view can be shared or bookmarked and Back works.
(function () {
  'use strict';

  // ---------------------------------------------------------------- i18n
  const STRINGS = {
    en: {
      addFormulation: '+ another formulation', syntax: 'Query syntax', from: 'From', to: 'To',
      collapse: 'Duplicates once', collapseTip: 'Count each cluster of duplicate and near-duplicate documents once (its earliest document)',
      sources: 'Sources', allSources: 'all', nSources: n => `${n} selected`, run: 'Show',
      placeholder: 'a formulation, e.g. 动态清零 or "common prosperity"', remove: 'remove',
      hPhrase: 'phrase: the words next to each other (a bare run of words is one phrase)',
      hQuoted: 'phrase in quotes (needed around AND, OR, NOT, NEAR)',
      hChinese: 'Chinese phrase: exact characters, no word segmentation',
      hBool: 'boolean; AND binds tighter than OR', hNear: 'both within 5 tokens, either order',
      hPrefix: 'token prefix', hRegex: 'regular expression (RE2) over the normalised text', hFields: 'field filters',
      bucket: 'Bucket', day: 'day', week: 'week', month: 'month', quarter: 'quarter', year: 'year',
      yAxis: 'Y axis', yHits: 'hits', yPpm: 'hits per million tokens', yShare: 'share of documents (%)',
      download: 'Download', table: 'Table', close: 'close',
      clickHint: "Click a point of the chart (or a row of the table) to list that period's documents.",
      documents: 'Documents', kwic: 'Keyword in context', formulation: 'Formulation', order: 'Order',
      newest: 'newest first', relevance: 'relevance', more: 'more', kOrder: 'date', kLeft: 'left context', kRight: 'right context',
      back: '← back', prevHit: '↑ previous hit', nextHit: '↓ next hit',
      footer: 'tifa — exact counts of formulations in news corpora.', chartLicence: 'Chart: uPlot (MIT licence)',
      corpus: (d, a, b) => `${d} documents` + (a ? `, ${a} – ${b}` : ''),
      column: c => `column ${c}`, needQuery: 'Enter at least one formulation.',
      fixErrors: 'Fix the query errors above first.', loading: 'Loading…',
      firstSeen: 'first seen', lastSeen: 'last seen', noHits: 'no hits',
      seriesLine: (h, d, a, b) => `${h} ${h === '1' ? 'hit' : 'hits'} in ${d} ${d === '1' ? 'document' : 'documents'}` + (a ? `, first seen ${a}, last seen ${b}` : ''),
      hits: 'hits', docs: 'docs', totalDocs: 'total docs', totalTokens: 'tokens', perMillion: 'per million tokens', share: 'of documents',
      nDocs: (n, shown) => (n === 1 ? '1 document' : `${n} documents`) + (shown < n ? `, ${shown} shown` : ''),
      nHits: (n, shown) => (n === 1 ? '1 hit' : `${n} hits`) + (shown < n ? `, ${shown} shown` : ''),
      nHitsDoc: n => (n === 1 ? '1 hit' : `${n} hits`), undated: 'undated',
      bucketTitle: (b, a, z) => `Documents of ${b} (${a} – ${z})`, noDocs: 'no documents',
      docHits: (n, q) => `${n} hits of ${q}`, url: 'URL', lang: 'language', id: 'id',
      error: 'Error', noDated: 'No dated documents in range.',
      peak: 'peak', collocates: 'Collocates', collocate: 'collocate', coFreq: 'freq', inCorpus: 'in corpus', left: 'just before', right: 'just after',
      lifeLine: (peak, hits, gaps, absent) => `peak ${peak} (${hits} hits)` + (gaps ? `; gaps ${gaps}` : '') + (absent ? `; absent since ${absent}` : ''),
      nColloc: (n, shown, w, nodes) => `${n} collocates within ${w} tokens of ${nodes} hits` + (shown < n ? `, ${shown} shown` : ''),
      collocHint: 'Tokens and n-grams standing unusually often near the hits, strongest (log-likelihood) first.',
      people: 'People', formulationsList: 'Formulations', filter: 'Filter', meeting: 'Meeting',
      body: 'body', kind: 'kind', held: 'held', presiders: 'presided', speakers: 'speakers', studied: 'studied',
      directives: 'directives', peopleTitle: 'People and their titles over time', formsTitle: 'Quoted formulations, by documents',
      nPeople: (n, shown) => `${n} persons` + (shown < n ? `, ${shown} shown` : ''),
      nForms: (n, shown) => `${n} formulations` + (shown < n ? `, ${shown} shown` : ''),
      personLine: (docs, a, b) => `${docs} ${docs === 1 ? 'document' : 'documents'}, ${a} – ${b}`,
      title: 'title', first: 'first', last: 'last', formulationCol: 'formulation'
    },
    zh: {
      addFormulation: '+ 再加一个提法', syntax: '查询语法', from: '起', to: '止',
      collapse: '重复稿只计一次', collapseTip: '相同或近似重复的文档只计一次（取最早的一篇）',
      sources: '来源', allSources: '全部', nSources: n => `已选 ${n} 个`, run: '显示',
      placeholder: '提法，如 动态清零 或 "common prosperity"', remove: '删除',
      hPhrase: '短语：词语相邻出现（连续的词即一个短语）',
      hQuoted: '加引号的短语（含 AND、OR、NOT、NEAR 时须加引号）',
      hChinese: '中文短语：逐字精确匹配，不做分词',
      hBool: '布尔运算；AND 优先于 OR', hNear: '两者相距 5 个词元以内，顺序不限',
      hPrefix: '词元前缀', hRegex: '正则表达式（RE2），作用于规范化后的文本', hFields: '字段过滤',
      bucket: '时间粒度', day: '日', week: '周', month: '月', quarter: '季度', year: '年',
      yAxis: '纵轴', yHits: '出现次数', yPpm: '每百万词元出现次数', yShare: '文档占比（%）',
      download: '下载', table: '表格', close: '关闭',
      clickHint: '点击图中的点（或表格中的一行），列出该时段的文档。',
      documents: '文档', kwic: '语境索引（KWIC）', formulation: '提法', order: '排序',
      newest: '最新在前', relevance: '相关度', more: '更多', kOrder: '日期', kLeft: '左侧语境', kRight: '右侧语境',
      back: '← 返回', prevHit: '↑ 上一处', nextHit: '↓ 下一处',
      footer: 'tifa —— 新闻语料中提法的精确计数。', chartLicence: '图表：uPlot（MIT 许可）',
      corpus: (d, a, b) => `${d} 篇文档` + (a ? `，${a} 至 ${b}` : ''),
      column: c => `第 ${c} 列`, needQuery: '请至少输入一个提法。',
      fixErrors: '请先修正上面的查询错误。', loading: '加载中…',
      firstSeen: '首次出现', lastSeen: '最后出现', noHits: '无结果',
      seriesLine: (h, d, a, b) => `${d} 篇文档中出现 ${h} 次` + (a ? `，首次出现 ${a}，最后出现 ${b}` : ''),
      hits: '次数', docs: '文档', totalDocs: '文档总数', totalTokens: '词元', perMillion: '每百万词元', share: '的文档',
      nDocs: (n, shown) => `${n} 篇文档` + (shown < n ? `，显示 ${shown} 篇` : ''),
      nHits: (n, shown) => `${n} 处` + (shown < n ? `，显示 ${shown} 处` : ''),
      nHitsDoc: n => `${n} 处`, undated: '无日期',
      bucketTitle: (b, a, z) => `${b} 的文档（${a} 至 ${z}）`, noDocs: '没有文档',
      docHits: (n, q) => `${q}：${n} 处`, url: '网址', lang: '语言', id: '编号',
      error: '错误', noDated: '所选范围内没有带日期的文档。',
      peak: '峰值', collocates: '搭配', collocate: '搭配词', coFreq: '共现次数', inCorpus: '语料中', left: '紧邻其前', right: '紧邻其后',
      lifeLine: (peak, hits, gaps, absent) => `峰值 ${peak}（${hits} 次）` + (gaps ? `；空档 ${gaps}` : '') + (absent ? `；自 ${absent} 起未再出现` : ''),
      nColloc: (n, shown, w, nodes) => `${nodes} 处命中前后 ${w} 个词元内的 ${n} 个搭配` + (shown < n ? `，显示 ${shown} 个` : ''),
      collocHint: '在命中附近出现得格外频繁的词元和 n 元组，按对数似然比从强到弱排列。',
      people: '人物', formulationsList: '提法表', filter: '筛选', meeting: '会议',
      body: '会议主体', kind: '类别', held: '召开日期', presiders: '主持', speakers: '讲话', studied: '议题',
      directives: '部署', peopleTitle: '人物及其职务', formsTitle: '引号中的提法（按文档数）',
      nPeople: (n, shown) => `${n} 人` + (shown < n ? `，显示 ${shown} 人` : ''),
      nForms: (n, shown) => `${n} 个提法` + (shown < n ? `，显示 ${shown} 个` : ''),
      personLine: (docs, a, b) => `${docs} 篇文档，${a} 至 ${b}`,
      title: '职务', first: '最早', last: '最晚', formulationCol: '提法'
    }
  };
  const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#e377c2', '#17becf'];
  const BYS = ['day', 'week', 'month', 'quarter', 'year'];
  const YS = ['hits', 'ppm', 'share'];
  const PAGE = 20, KWIC_LIMIT = 500, BUCKET_LIMIT = 200;

  const $ = id => document.getElementById(id);
  const el = (tag, cls, text) => {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  };
  const fmtInt = n => Number(n).toLocaleString(state.lang === 'zh' ? 'zh-CN' : 'en-US');
  const fmtNum = v => v == null ? '–' : (Math.abs(v) >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));

  // ---------------------------------------------------------------- state
  const state = {
    qs: [''], from: '', to: '', sources: [], by: 'month', y: 'hits',
    tab: 'results', focus: 0, sort: 'newest', ksort: 'order', bucket: '', doc: '', dq: '', lang: 'en', view: ''
  };
  const VIEWS = ['people', 'formulations'];
  let recordsRes = null;   // the /api/people or /api/formulations answer shown
  let trend = null;        // the last /api/trend answer
  let life = null;         // the /api/lifecycle answer for the same series (null if it failed)
  let collocRes = null;    // the /api/collocates answer shown
  let chart = null;        // the uPlot instance
  let results = null;      // {total, hits} shown
  let kwicRes = null;      // {total, lines} as fetched
  let bucketRes = null;    // [{query, total, hits}] shown
  let allSources = [];     // [{name, docs}]
  // Each panel takes a ticket per request and drops answers of superseded ones.
  const tickets = {};
  const ticket = k => (tickets[k] = (tickets[k] || 0) + 1);
  const current = (k, n) => tickets[k] === n;

  function t(key, ...args) {
    const v = (STRINGS[state.lang] || STRINGS.en)[key];
    return typeof v === 'function' ? v(...args) : (v === undefined ? key : v);
  }

  function readURL() {
    const p = new URLSearchParams(location.search);
    const qs = p.getAll('q');
    state.qs = qs.length ? qs : [''];
    state.from = p.get('from') || '';
    state.to = p.get('to') || '';
    state.sources = p.getAll('source');
    state.collapse = p.get('collapse') === '1';
    state.by = BYS.includes(p.get('by')) ? p.get('by') : 'month';
    state.y = YS.includes(p.get('y')) ? p.get('y') : 'hits';
    state.tab = ['kwic', 'colloc'].includes(p.get('tab')) ? p.get('tab') : 'results';
    state.focus = Math.max(0, Math.min(state.qs.length - 1, parseInt(p.get('f') || '0', 10) || 0));
    state.sort = p.get('sort') === 'relevance' ? 'relevance' : 'newest';
    state.ksort = ['left', 'right'].includes(p.get('ksort')) ? p.get('ksort') : 'order';
    state.bucket = p.get('bucket') || '';
    state.doc = p.get('doc') || '';
    state.dq = p.get('dq') || '';
    state.view = VIEWS.includes(p.get('view')) ? p.get('view') : '';
    const pl = p.get('lang');
    state.lang = pl === 'zh' || pl === 'en' ? pl : ((navigator.language || '').toLowerCase().startsWith('zh') ? 'zh' : 'en');
  }

  // urlFor returns the page URL of state s (the current state with changes).
  function urlFor(changes) {
    const s = Object.assign({}, state, changes || {});
    const p = new URLSearchParams();
    s.qs.filter(q => q.trim() !== '').forEach(q => p.append('q', q));
    if (s.from) p.set('from', s.from);
    if (s.to) p.set('to', s.to);
    s.sources.forEach(x => p.append('source', x));
    if (s.collapse) p.set('collapse', '1');
    if (s.by !== 'month') p.set('by', s.by);
    if (s.y !== 'hits') p.set('y', s.y);
    if (s.tab !== 'results') p.set('tab', s.tab);
    if (s.focus) p.set('f', String(s.focus));
    if (s.sort !== 'newest') p.set('sort', s.sort);
    if (s.ksort !== 'order') p.set('ksort', s.ksort);
    if (s.bucket) p.set('bucket', s.bucket);
    if (s.doc) { p.set('doc', s.doc); if (s.dq) p.set('dq', s.dq); }
    if (s.view) p.set('view', s.view);
    p.set('lang', s.lang);
    return '?' + p.toString();
  }
  function pushURL() { history.pushState(null, '', urlFor()); }
  function replaceURL() { history.replaceState(null, '', urlFor()); }

  // ---------------------------------------------------------------- API
  let inflight = 0;
  async function api(path, params) {
    const p = new URLSearchParams();
    for (const [k, v] of Object.entries(params || {})) {
      if (Array.isArray(v)) v.forEach(x => p.append(k, x));
      else if (v !== '' && v !== undefined && v !== null) p.set(k, String(v));
    }
    const qs = p.toString();
    // body[data-busy] counts the requests in flight (0 when the page is idle).
    inflight++;
    document.body.dataset.busy = String(inflight);
    let r, body = null;
    try {
      r = await fetch('api/' + path + (qs ? '?' + qs : ''), { headers: { Accept: 'application/json' } });
      try { body = await r.json(); } catch (e) { body = { error: r.statusText }; }
    } finally {
      inflight--;
      document.body.dataset.busy = String(inflight);
    }
    if (!r.ok) {
      const err = new Error(body && body.error ? body.error : r.statusText);
      err.status = r.status;
      err.column = body && body.column;
      throw err;
    }
    return body;
  }
  const filterParams = () => ({ from: state.from, to: state.to, source: state.sources });
  // collapseParam is for the endpoints that count a cluster of duplicates
  // once (search, trend, kwic: doc/api.md).
  const collapseParam = () => (state.collapse ? { collapse: 1 } : {});
  const activeQs = () => state.qs.filter(q => q.trim() !== '');

  function showStatus(msg) {
    const s = $('status');
    s.textContent = msg;
    s.hidden = !msg;
  }
  function showError(e) {
    showStatus(t('error') + ': ' + (e && e.message ? e.message : String(e)));
  }

  // ---------------------------------------------------------------- i18n
  function applyLang() {
    document.documentElement.lang = state.lang === 'zh' ? 'zh-CN' : 'en';
    document.querySelectorAll('[data-i18n]').forEach(e => { e.textContent = t(e.dataset.i18n); });
    $('lang').textContent = state.lang === 'zh' ? 'English' : '中文';
    $('lang').lang = state.lang === 'zh' ? 'en' : 'zh';
    document.querySelectorAll('#formulations input').forEach(i => { i.placeholder = t('placeholder'); });
    $('collapse-label').title = t('collapseTip');
    document.querySelectorAll('#formulations .remove').forEach(b => { b.title = t('remove'); b.setAttribute('aria-label', t('remove')); });
    sourcesSummary();
    loadCorpus();
  }

  let corpusStats = null;
  async function loadCorpus() {
    try {
      if (!corpusStats) corpusStats = await api('stats');
      const s = corpusStats;
      $('corpus').textContent = t('corpus', fmtInt(s.docs), s.first_date, s.last_date);
    } catch (e) { /* the header line is optional */ }
  }

  // ---------------------------------------------------------------- form
  const validators = new WeakMap();

  function renderForm() {
    const box = $('formulations');
    box.textContent = '';
    state.qs.forEach((q, i) => box.append(formulationRow(q, i)));
    $('from').value = state.from;
    $('collapse').checked = state.collapse;
    $('to').value = state.to;
    renderSources();
    $('by').value = state.by;
    $('y').value = state.y;
    $('sort').value = state.sort;
    $('ksort').value = state.ksort;
  }

  function formulationRow(q, i) {
    const wrap = el('div', 'qwrap');
    const row = el('div', 'qrow');
    const sw = el('span', 'swatch');
    sw.style.background = COLORS[i % COLORS.length];
    const input = el('input');
    input.type = 'search';
    input.className = 'q';
    input.name = 'q';
    input.value = q;
    input.placeholder = t('placeholder');
    input.spellcheck = false;
    input.setAttribute('aria-label', t('formulation') + ' ' + (i + 1));
    const err = el('div', 'qerr');
    err.hidden = true;
    err.setAttribute('role', 'alert');
    let timer = 0;
    input.addEventListener('input', () => {
      clearTimeout(timer);
      timer = setTimeout(() => validate(input, err), 250);
    });
    validators.set(input, () => validate(input, err));
    row.append(sw, input);
    if (i > 0) {
      const rm = el('button', 'link remove', '×');
      rm.type = 'button';
      rm.title = t('remove');
      rm.setAttribute('aria-label', t('remove'));
      rm.addEventListener('click', () => {
        syncForm();
        state.qs.splice(i, 1);
        state.focus = Math.min(state.focus, state.qs.length - 1);
        renderForm();
      });
      row.append(rm);
    }
    wrap.append(row, err);
    return wrap;
  }

  // validate asks the server whether the query parses and shows the error,
  // with its column marked, under the box. It resolves to true when ok.
  async function validate(input, err) {
    const q = input.value;
    if (q.trim() === '') {
      err.hidden = true;
      input.classList.remove('bad');
      return true;
    }
    let v;
    try { v = await api('validate', { q }); } catch (e) { v = { ok: false, error: e.message }; }
    if (input.value !== q) return true; // typed on meanwhile
    err.textContent = '';
    if (v.ok) {
      err.hidden = true;
      input.classList.remove('bad');
      return true;
    }
    input.classList.add('bad');
    err.append(document.createTextNode((v.column ? t('column', v.column) + ': ' : '') + v.error));
    if (v.column) {
      const chars = Array.from(q);
      const c = v.column - 1;
      const code = el('code');
      code.append(document.createTextNode(chars.slice(0, c).join('')));
      code.append(el('span', 'errchar', c < chars.length ? chars[c] : ' '));
      code.append(document.createTextNode(chars.slice(c + 1).join('')));
      err.append(code);
    }
    err.hidden = false;
    return false;
  }

  function syncForm() {
    state.qs = Array.from(document.querySelectorAll('#formulations input.q')).map(i => i.value);
    if (!state.qs.length) state.qs = [''];
    state.from = $('from').value;
    state.to = $('to').value;
    state.sources = Array.from(document.querySelectorAll('#sources input:checked')).map(i => i.value);
    state.collapse = $('collapse').checked;
  }

  function renderSources() {
    const box = $('sources');
    box.textContent = '';
    const names = allSources.map(s => s.name);
    state.sources.filter(s => !names.includes(s)).forEach(s => allSources.push({ name: s, docs: 0 }));
    allSources.forEach(s => {
      const l = el('label');
      const c = el('input');
      c.type = 'checkbox';
      c.value = s.name;
      c.checked = state.sources.includes(s.name);
      c.addEventListener('change', () => { syncForm(); sourcesSummary(); });
      l.append(c, el('span', '', s.name || '—'), el('span', 'n', fmtInt(s.docs)));
      box.append(l);
    });
    sourcesSummary();
  }
  function sourcesSummary() {
    const n = state.sources.length;
    $('sources-summary').textContent = n === 0 ? t('allSources') : n === 1 ? state.sources[0] : t('nSources', n);
  }

  async function onSubmit(ev) {
    ev.preventDefault();
    syncForm();
    state.bucket = '';
    state.doc = '';
    state.focus = Math.min(state.focus, Math.max(0, activeQs().length - 1));
    state.qs = activeQs().length ? activeQs() : [''];
    pushURL();
    await render();
  }

  // ---------------------------------------------------------------- render
  // render shows what the state says: the form, and for queries the trend,
  // the list, the bucket's documents and the document view.
  async function render() {
    const my = ticket('render');
    showStatus('');
    renderForm();
    $('form-error').hidden = true;
    const qs = activeQs();
    const docMode = !!state.doc;
    const recMode = !docMode && !!state.view;
    $('main').hidden = docMode || recMode;
    $('doc-view').hidden = !docMode;
    $('records-view').hidden = !recMode;
    if (recMode) {
      await renderRecords();
      return;
    }
    if (docMode) {
      await renderDoc();
      return;
    }
    if (!qs.length) {
      ['trend-panel', 'bucket-panel', 'lists-panel'].forEach(id => { $(id).hidden = true; });
      return;
    }
    const oks = await Promise.all(Array.from(document.querySelectorAll('#formulations input.q')).map(i => validators.get(i)()));
    if (!current('render', my)) return;
    if (oks.includes(false)) {
      $('form-error').textContent = t('fixErrors');
      $('form-error').hidden = false;
      return;
    }
    await Promise.all([renderTrend(), renderLists(), renderBucket()]);
  }

  // ---------------------------------------------------------------- trend
  async function renderTrend() {
    const my = ticket('trend');
    $('trend-panel').hidden = false;
    let res, lc;
    try {
      const params = Object.assign({ q: activeQs(), by: state.by }, filterParams());
      // The lifecycle (peak, gaps) only adds marks: the trend does without it.
      // Collapsed counts have no lifecycle (it counts every document): no marks then.
      [res, lc] = await Promise.all([api('trend', Object.assign({}, params, collapseParam())),
        state.collapse ? null : api('lifecycle', params).catch(() => null)]);
    } catch (e) {
      if (current('trend', my)) showError(e);
      return;
    }
    if (!current('trend', my)) return;
    trend = res;
    life = lc;
    drawChart();
    renderSummary();
    renderTrendTable();
  }

  const dayMs = 86400000;
  const toSec = d => Date.parse(d + 'T00:00:00Z') / 1000;
  const isoDay = ms => new Date(ms).toISOString().slice(0, 10);

  // bucketEnd returns the last day of the bucket starting at start.
  function bucketEnd(start, by) {
    const d = new Date(start + 'T00:00:00Z');
    switch (by) {
      case 'day': break;
      case 'week': d.setUTCDate(d.getUTCDate() + 6); break;
      case 'month': d.setUTCMonth(d.getUTCMonth() + 1); d.setUTCDate(0); break;
      case 'quarter': d.setUTCMonth(d.getUTCMonth() + 3); d.setUTCDate(0); break;
      default: d.setUTCFullYear(d.getUTCFullYear() + 1); d.setUTCDate(0);
    }
    return isoDay(d.getTime());
  }
  function bucketLabel(start, by) {
    switch (by) {
      case 'year': return start.slice(0, 4);
      case 'quarter': return start.slice(0, 4) + '-Q' + (Math.floor((parseInt(start.slice(5, 7), 10) - 1) / 3) + 1);
      case 'month': return start.slice(0, 7);
      default: return start;
    }
  }
  function yValue(b) {
    switch (state.y) {
      case 'ppm': return b.total_tokens ? b.hits / b.total_tokens * 1e6 : null;
      case 'share': return b.total_docs ? b.docs / b.total_docs * 100 : null;
      default: return b.hits;
    }
  }

  function chartSize() {
    const w = Math.max(280, $('chart').clientWidth || $('trend-panel').clientWidth || 600);
    return { width: w, height: w < 500 ? 240 : 340 };
  }

  function drawChart() {
    if (chart) { chart.destroy(); chart = null; }
    const box = $('chart');
    box.textContent = '';
    const series = trend.series;
    if (!series.length || !series[0].buckets.length) {
      box.append(el('p', 'muted', t('noDated')));
      return;
    }
    const xs = series[0].buckets.map(b => toSec(b.start));
    const data = [xs].concat(series.map(s => s.buckets.map(yValue)));
    const yLabel = t(state.y === 'ppm' ? 'yPpm' : state.y === 'share' ? 'yShare' : 'yHits');
    const opts = Object.assign(chartSize(), {
      tzDate: ts => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
      scales: { x: { time: true }, y: { range: (u, min, max) => [0, max > 0 ? max * 1.08 : 1] } },
      series: [{ label: t('bucket'), value: (u, v) => v == null ? '' : bucketLabel(isoDay(v * 1000), state.by) }]
        .concat(series.map((s, i) => ({
          label: s.query, stroke: COLORS[i % COLORS.length], width: 2,
          points: { show: xs.length <= 120, size: 6 },
          value: (u, v) => fmtNum(v)
        }))),
      // The x axis is labelled with buckets (2022, 2022-Q3, 2022-08), in
      // any language, at bucket starts only.
      axes: [{ size: 36, splits: xSplits, values: (u, vals) => vals.map(v => bucketLabel(isoDay(v * 1000), state.by)) },
        { label: yLabel, size: 60 }],
      legend: { live: false },
      cursor: { points: { size: 8 }, drag: { x: false, y: false } },
      hooks: { draw: [drawSeenMarks], setCursor: [tooltip] }
    });
    chart = new uPlot(opts, data, box);
    chart.over.addEventListener('click', () => {
      const i = chart.cursor.idx;
      if (i != null) openBucket(series[0].buckets[i].start);
    });
    chart.over.addEventListener('mouseleave', () => { $('tooltip').hidden = true; });
  }

  // xSplits picks the bucket starts to label: all of them when they fit,
  // else every k-th, on round months and years.
  function xSplits(u) {
    const xs = u.data[0], n = xs.length;
    const room = Math.max(2, Math.floor(u.bbox.width / (devicePixelRatio || 1) / (state.by === 'day' || state.by === 'week' ? 90 : 70)));
    if (n <= room) return xs.slice();
    const pick = (steps, key) => {
      const k = steps.find(k => n / k <= room) || steps[steps.length - 1];
      return xs.filter(x => key(new Date(x * 1000)) % k === 0);
    };
    switch (state.by) {
      case 'month': return pick([1, 2, 3, 6, 12, 24, 60, 120], d => d.getUTCFullYear() * 12 + d.getUTCMonth());
      case 'quarter': return pick([1, 2, 4, 8, 20, 40], d => (d.getUTCFullYear() * 12 + d.getUTCMonth()) / 3);
      case 'year': return pick([1, 2, 5, 10, 20, 50, 100], d => d.getUTCFullYear());
      default: {
        const k = Math.ceil(n / room);
        return xs.filter((x, i) => i % k === 0);
      }
    }
  }

  // drawSeenMarks draws, for each shown series, a dashed line at the bucket
  // in which it was first and last seen, labelled with the day.
  function drawSeenMarks(u) {
    const xs = u.data[0];
    const bucketX = day => {
      const d = toSec(day);
      let i = 0;
      while (i + 1 < xs.length && xs[i + 1] <= d) i++;
      return xs[i];
    };
    const ctx = u.ctx, pr = devicePixelRatio || 1;
    const { left, top, width, height } = u.bbox;
    ctx.save();
    ctx.font = `${11 * pr}px sans-serif`;
    ctx.textAlign = 'left';
    ctx.textBaseline = 'alphabetic';
    // The selected bucket, shaded.
    const sel = state.bucket ? xs.indexOf(toSec(state.bucket)) : -1;
    if (sel >= 0) {
      const x0 = u.valToPos(xs[sel], 'x', true);
      const half = xs.length > 1 ? Math.abs(u.valToPos(xs[Math.min(sel + 1, xs.length - 1)], 'x', true) - u.valToPos(xs[Math.max(sel - 1, 0)], 'x', true)) / (sel > 0 && sel < xs.length - 1 ? 4 : 2) : 10 * pr;
      ctx.fillStyle = 'rgba(31, 95, 191, 0.10)';
      ctx.fillRect(Math.max(left, x0 - half), top, Math.min(left + width, x0 + half) - Math.max(left, x0 - half), height);
    }
    // Labels only where there is room for them; the summary has the days.
    const labelled = width / pr >= 480;
    // Each series' gaps, shaded, with a bar along the bottom; its peak,
    // ringed.
    (life ? life.series : []).forEach((s, i) => {
      if (!u.series[i + 1] || !u.series[i + 1].show) return;
      const col = COLORS[i % COLORS.length];
      ctx.fillStyle = col;
      (s.gaps || []).forEach(g => {
        const x0 = u.valToPos(bucketX(g.from), 'x', true), x1 = u.valToPos(bucketX(g.to), 'x', true);
        const w = Math.max(x1 - x0, 2 * pr);
        ctx.globalAlpha = 0.07;
        ctx.fillRect(x0, top, w, height);
        ctx.globalAlpha = 0.6;
        ctx.fillRect(x0, top + height - (4 + 5 * i) * pr, w, 3 * pr);
      });
      ctx.globalAlpha = 1;
      const k = s.peak ? xs.indexOf(toSec(s.peak.start)) : -1;
      if (k >= 0 && u.data[i + 1][k] != null) {
        const x = u.valToPos(xs[k], 'x', true), y = u.valToPos(u.data[i + 1][k], 'y', true);
        ctx.strokeStyle = col;
        ctx.lineWidth = 2 * pr;
        ctx.beginPath();
        ctx.arc(x, y, 7 * pr, 0, 2 * Math.PI);
        ctx.stroke();
        if (labelled) ctx.fillText(t('peak'), Math.min(x + 10 * pr, left + width - ctx.measureText(t('peak')).width), Math.max(y - 4 * pr, top + 10 * pr));
      }
    });
    trend.series.forEach((s, i) => {
      if (!s.first_seen || !u.series[i + 1].show) return;
      const col = COLORS[i % COLORS.length];
      [[s.first_seen, t('firstSeen'), 'left'], [s.last_seen, t('lastSeen'), 'right']].forEach(([day, label, side], k) => {
        const x = u.valToPos(bucketX(day), 'x', true);
        if (x < left - 1 || x > left + width + 1) return;
        ctx.strokeStyle = col;
        ctx.globalAlpha = 0.75;
        ctx.setLineDash([4 * pr, 4 * pr]);
        ctx.lineWidth = pr;
        ctx.beginPath();
        ctx.moveTo(x, top);
        ctx.lineTo(x, top + height);
        ctx.stroke();
        ctx.setLineDash([]);
        ctx.globalAlpha = 1;
        ctx.fillStyle = col;
        if (!labelled) {
          ctx.beginPath();
          const y0 = top + (k ? height : 0), dy = (k ? -7 : 7) * pr;
          ctx.moveTo(x - 4 * pr, y0);
          ctx.lineTo(x + 4 * pr, y0);
          ctx.lineTo(x, y0 + dy);
          ctx.fill();
          return;
        }
        const text = `${label} ${day}`;
        const tw = ctx.measureText(text).width;
        const y = top + (12 + 14 * (2 * i + k)) * pr;
        const tx = side === 'left' ? Math.min(x + 3 * pr, left + width - tw) : Math.max(x - 3 * pr - tw, left);
        ctx.fillText(text, tx, y);
      });
    });
    ctx.restore();
  }

  // tooltip shows the numbers of the bucket under the cursor.
  function tooltip(u) {
    const tip = $('tooltip');
    const i = u.cursor.idx;
    if (i == null || u.cursor.left < 0) { tip.hidden = true; return; }
    const b0 = trend.series[0].buckets[i];
    tip.textContent = '';
    tip.append(el('div', 't', bucketLabel(b0.start, state.by)));
    trend.series.forEach((s, k) => {
      const b = s.buckets[i];
      const line = el('div');
      const dot = el('span', 'dot');
      dot.style.background = COLORS[k % COLORS.length];
      let txt = `${s.query}: ${fmtInt(b.hits)} ${t('hits')}, ${fmtInt(b.docs)} ${t('docs')}`;
      if (state.y === 'ppm') txt += ` · ${fmtNum(yValue(b))} ${t('perMillion')}`;
      if (state.y === 'share') txt += ` · ${fmtNum(yValue(b))}% ${t('share')}`;
      line.append(dot, document.createTextNode(txt));
      tip.append(line);
    });
    tip.append(el('div', 'muted', `${t('totalDocs')} ${fmtInt(b0.total_docs)} · ${t('totalTokens')} ${fmtInt(b0.total_tokens)}`));
    tip.hidden = false;
    const over = u.over, wrap = $('chart-wrap');
    const ox = over.getBoundingClientRect().left - wrap.getBoundingClientRect().left;
    const oy = over.getBoundingClientRect().top - wrap.getBoundingClientRect().top;
    let x = ox + u.cursor.left + 14;
    if (x + tip.offsetWidth > wrap.clientWidth) x = ox + u.cursor.left - tip.offsetWidth - 14;
    tip.style.left = Math.max(0, x) + 'px';
    tip.style.top = (oy + Math.max(0, u.cursor.top - tip.offsetHeight / 2)) + 'px';
  }

  function renderSummary() {
    const ul = $('series-summary');
    ul.textContent = '';
    trend.series.forEach((s, i) => {
      const li = el('li');
      const dot = el('span', 'dot');
      dot.style.background = COLORS[i % COLORS.length];
      li.append(dot, el('strong', '', s.query), document.createTextNode(': ' +
        (s.first_seen ? t('seriesLine', fmtInt(s.hits), fmtInt(s.docs), s.first_seen, s.last_seen) : t('noHits'))));
      const lc = life && life.series[i];
      if (lc && lc.peak) {
        // A gap's last day is shown as its bucket (2023-12-31 as 2023).
        const upTo = d => state.by === 'day' || state.by === 'week' ? d : bucketLabel(d.slice(0, 8) + '01', state.by);
        const gaps = (lc.gaps || []).map(g => bucketLabel(g.from, state.by) + ' – ' + upTo(g.to)).join(', ');
        li.append(el('div', 'life muted', t('lifeLine', bucketLabel(lc.peak.start, state.by), fmtInt(lc.peak.hits), gaps, lc.absent_since)));
      }
      ul.append(li);
    });
  }

  function renderTrendTable() {
    const box = $('trend-table');
    box.textContent = '';
    if (!trend.series.length || !trend.series[0].buckets.length) return;
    const tbl = el('table', 'data');
    const head = el('tr');
    head.append(el('th', '', t(state.by)));
    trend.series.forEach(s => { head.append(el('th', '', s.query + ' ' + t('hits')), el('th', '', t('docs'))); });
    head.append(el('th', '', t('totalDocs')), el('th', '', t('totalTokens')));
    const thead = el('thead');
    thead.append(head);
    const tbody = el('tbody');
    trend.series[0].buckets.forEach((b, i) => {
      const tr = el('tr');
      tr.tabIndex = 0;
      tr.dataset.start = b.start;
      tr.append(el('td', '', bucketLabel(b.start, state.by)));
      trend.series.forEach(s => { tr.append(el('td', '', fmtInt(s.buckets[i].hits)), el('td', '', fmtInt(s.buckets[i].docs))); });
      tr.append(el('td', '', fmtInt(b.total_docs)), el('td', '', fmtInt(b.total_tokens)));
      tr.addEventListener('click', () => openBucket(b.start));
      tr.addEventListener('keydown', e => { if (e.key === 'Enter') openBucket(b.start); });
      tbody.append(tr);
    });
    tbl.append(thead, tbody);
    box.append(tbl);
  }

  // ---------------------------------------------------------------- bucket
  function openBucket(start) {
    state.bucket = start;
    pushURL();
    if (chart) chart.redraw(false);
    renderBucket().then(() => $('bucket-panel').scrollIntoView({ block: 'nearest' }));
  }

  async function renderBucket() {
    const my = ticket('bucket');
    const panel = $('bucket-panel');
    if (!state.bucket) { panel.hidden = true; bucketRes = null; return; }
    const start = state.bucket, end = bucketEnd(start, state.by);
    const from = state.from && state.from > start ? state.from : start;
    const to = state.to && state.to < end ? state.to : end;
    $('bucket-title').textContent = t('bucketTitle', bucketLabel(start, state.by), from, to);
    panel.hidden = false;
    const box = $('bucket-docs');
    box.textContent = t('loading');
    let answers;
    try {
      answers = await Promise.all(activeQs().map(q => api('search',
        Object.assign({ q, from, to, source: state.sources, sort: 'newest', limit: BUCKET_LIMIT }, collapseParam()))));
    } catch (e) {
      if (current('bucket', my)) { box.textContent = ''; showError(e); }
      return;
    }
    if (!current('bucket', my)) return;
    box.textContent = '';
    bucketRes = [];
    activeQs().forEach((q, i) => {
      const r = answers[i];
      bucketRes.push({ query: q, total: r.total, hits: r.hits });
      const g = el('div', 'docs-group');
      const h = el('h3');
      const dot = el('span', 'dot');
      dot.style.background = COLORS[i % COLORS.length];
      h.append(dot, document.createTextNode(q + ' — ' + t('nDocs', r.total, r.hits.length)));
      const ol = el('ol', 'docs');
      r.hits.forEach(hit => ol.append(docItem(hit, q)));
      g.append(h, ol);
      box.append(g);
    });
  }

  // ---------------------------------------------------------------- lists
  function renderFocus() {
    const sel = $('focus');
    sel.textContent = '';
    activeQs().forEach((q, i) => {
      const o = el('option', '', q);
      o.value = String(i);
      sel.append(o);
    });
    sel.value = String(state.focus);
    $('focus-box').hidden = activeQs().length < 2;
  }

  async function renderLists() {
    $('lists-panel').hidden = false;
    renderFocus();
    ['results', 'kwic', 'colloc'].forEach(k => {
      $('tab-' + k).setAttribute('aria-selected', String(state.tab === k));
      $(k + '-view').hidden = state.tab !== k;
    });
    if (state.tab === 'results') await loadResults(false);
    else if (state.tab === 'kwic') await loadKWIC();
    else await loadColloc();
  }

  const focusQ = () => activeQs()[state.focus] || activeQs()[0];

  async function loadResults(more) {
    const my = ticket('list');
    const list = $('results');
    const offset = more && results ? results.hits.length : 0;
    let r;
    try {
      r = await api('search', Object.assign({ q: focusQ(), sort: state.sort, limit: PAGE, offset }, filterParams(), collapseParam()));
    } catch (e) {
      if (current('list', my)) showError(e);
      return;
    }
    if (!current('list', my)) return;
    if (!more) { list.textContent = ''; results = { total: r.total, hits: [] }; }
    results.total = r.total;
    results.hits = results.hits.concat(r.hits);
    r.hits.forEach(h => list.append(docItem(h, focusQ())));
    $('results-total').textContent = t('nDocs', results.total, results.hits.length);
    $('more').hidden = results.hits.length >= results.total;
  }

  // docLink returns a link to the document view of id with q's hits marked.
  function docLink(id, q, text) {
    const a = el('a', '', text);
    a.href = urlFor({ doc: id, dq: q });
    a.className = 'doclink';
    a.dataset.id = id;
    a.addEventListener('click', e => {
      if (e.button !== 0 || e.ctrlKey || e.metaKey || e.shiftKey) return;
      e.preventDefault();
      state.doc = id;
      state.dq = q;
      pushURL();
      window.scrollTo(0, 0);
      render();
    });
    return a;
  }

  function docItem(h, q) {
    const li = el('li');
    const meta = el('div', 'meta', [h.date || t('undated'), h.source, t('nHitsDoc', h.hits)].filter(Boolean).join(' · '));
    const title = el('div', 'title');
    title.append(docLink(h.id, q, h.title || h.id));
    const snip = el('p', 'snippet');
    markSnippet(snip, h.snippet);
    li.append(meta, title, snip);
    return li;
  }

  // markSnippet puts s into e with each «hit» in a <mark>.
  function markSnippet(e, s) {
    const re = /«([^«»]*)»/g;
    let last = 0, m;
    while ((m = re.exec(s)) !== null) {
      e.append(document.createTextNode(s.slice(last, m.index)), el('mark', '', m[1]));
      last = re.lastIndex;
    }
    e.append(document.createTextNode(s.slice(last)));
  }

  async function loadKWIC() {
    const my = ticket('list');
    let r;
    try {
      r = await api('kwic', Object.assign({ q: focusQ(), limit: KWIC_LIMIT }, filterParams(), collapseParam()));
    } catch (e) {
      if (current('list', my)) showError(e);
      return;
    }
    if (!current('list', my)) return;
    kwicRes = r;
    renderKWIC();
  }

  function kwicLines() {
    const lines = kwicRes.lines.slice();
    const coll = new Intl.Collator(state.lang === 'zh' ? 'zh' : 'en');
    const rev = s => Array.from(s).reverse().join('');
    if (state.ksort === 'left') lines.sort((a, b) => coll.compare(rev(a.left), rev(b.left)));
    if (state.ksort === 'right') lines.sort((a, b) => coll.compare(a.right, b.right));
    return lines;
  }

  function renderKWIC() {
    const box = $('kwic');
    box.textContent = '';
    const q = focusQ();
    kwicLines().forEach(l => {
      const when = el('div', 'when');
      when.append(docLink(l.id, q, l.date || t('undated')));
      when.title = l.source;
      const match = el('div', 'match');
      match.append(docLink(l.id, q, l.match));
      const left = el('div', 'left');
      left.append(el('span', '', l.left));
      box.append(when, left, match, el('div', 'right', l.right));
    });
    $('kwic-total').textContent = t('nHits', kwicRes.total, kwicRes.lines.length);
  }

  // ---------------------------------------------------------------- collocates
  async function loadColloc() {
    const my = ticket('list');
    let r;
    try {
      r = await api('collocates', Object.assign({ q: focusQ() }, filterParams()));
    } catch (e) {
      if (current('list', my)) showError(e);
      return;
    }
    if (!current('list', my)) return;
    collocRes = r;
    const tbl = $('colloc');
    tbl.textContent = '';
    const head = el('tr');
    [t('collocate'), t('coFreq'), t('left'), t('right'), t('inCorpus'), 'LL', 'MI'].forEach(h => head.append(el('th', '', h)));
    const thead = el('thead');
    thead.append(head);
    const tbody = el('tbody');
    r.collocates.forEach(c => {
      const tr = el('tr');
      tr.append(el('td', '', c.item), el('td', '', fmtInt(c.freq)), el('td', '', fmtInt(c.left)), el('td', '', fmtInt(c.right)),
        el('td', '', fmtInt(c.corpus_freq)), el('td', '', c.ll.toFixed(1)), el('td', '', c.mi.toFixed(2)));
      tbody.append(tr);
    });
    tbl.append(thead, tbody);
    $('colloc-total').textContent = t('nColloc', r.total, r.collocates.length, r.window, fmtInt(r.nodes));
  }

  // ---------------------------------------------------------------- document
  let docMarks = [], docCur = -1;

  async function renderDoc() {
    const my = ticket('doc');
    ['doc-title', 'doc-meta', 'doc-fields', 'doc-text', 'doc-hits'].forEach(id => { $(id).textContent = ''; });
    let d;
    try {
      d = await api('doc/' + encodeURIComponent(state.doc), { q: state.dq });
    } catch (e) {
      if (current('doc', my)) { $('doc-title').textContent = e.message; }
      return;
    }
    if (!current('doc', my)) return;
    markSpans($('doc-title'), d.title || d.id, d.title ? d.title_hits : []);
    $('doc-meta').textContent = [d.date || t('undated'), d.source].filter(Boolean).join(' · ');
    const dl = $('doc-fields');
    const field = (k, v) => { if (v) dl.append(el('dt', '', k), v instanceof Node ? wrapDD(v) : el('dd', '', v)); };
    field(t('id'), d.id);
    field(t('lang'), d.lang);
    if (d.url) {
      if (/^https?:\/\//i.test(d.url)) {
        const a = el('a', '', d.url);
        a.href = d.url;
        a.rel = 'noopener noreferrer nofollow';
        a.target = '_blank';
        field(t('url'), a);
      } else field(t('url'), d.url);
    }
    Object.keys(d.meta || {}).sort().forEach(k => field(k, d.meta[k]));
    const text = $('doc-text');
    text.lang = d.lang || '';
    markSpans(text, d.text, d.text_hits);
    docMarks = Array.from(document.querySelectorAll('#doc mark'));
    docCur = -1;
    $('doc-hits').textContent = state.dq ? t('docHits', docMarks.length, state.dq) : '';
    $('doc-prev').hidden = $('doc-next').hidden = docMarks.length === 0;
    if (docMarks.length) stepHit(1);
    await renderMeetingCard(d.id, my);
  }

  // ---------------------------------------------------------------- readout records
  // renderMeetingCard shows the document's readout records: the meeting
  // (body, presiders, numbered directives), the people with their titles,
  // the quoted formulations. An index without records shows no card.
  async function renderMeetingCard(id, my) {
    const card = $('meeting-card');
    card.hidden = true;
    ['meeting-fields', 'meeting-directives', 'meeting-also', 'meeting-people', 'meeting-formulations'].forEach(k => { $(k).textContent = ''; });
    if (!(await recordsAvailable())) return;
    let r;
    try {
      r = await api('extract/' + encodeURIComponent(id));
    } catch (e) {
      return;
    }
    if (!current('doc', my)) return;
    const m = r.meeting;
    const dl = $('meeting-fields');
    const field = (k, v) => { if (v) dl.append(el('dt', '', t(k)), el('dd', k, v)); };
    if (m) {
      field('body', m.body);
      field('kind', m.kind);
      field('held', m.date_held);
      field('presiders', (m.presiders || []).join('、'));
      field('speakers', (m.speakers || []).join('、'));
      field('studied', (m.studied || []).join('；'));
      (m.directives || []).forEach(d => {
        const li = el('li', 'directive', d.text);
        li.value = d.n;
        $('meeting-directives').append(li);
      });
      $('meeting-also').textContent = (m.also || []).join(' ');
    }
    (r.people || []).forEach(p => {
      const b = el('button', 'link person', p.name + ' · ' + p.title);
      b.type = 'button';
      b.addEventListener('click', () => openPeople(p.name));
      $('meeting-people').append(b);
    });
    (r.formulations || []).forEach(f => $('meeting-formulations').append(el('span', 'chip', '“' + f + '”')));
    card.querySelector('h3').textContent = m ? t('meeting') : t('people');
    card.hidden = !m && !(r.people || []).length && !(r.formulations || []).length;
  }

  // recordsAvailable asks once whether the index has readout records.
  let recordsStatus = null;
  async function recordsAvailable() {
    if (!recordsStatus) {
      try { recordsStatus = await api('records'); } catch (e) { recordsStatus = { available: false }; }
    }
    return recordsStatus.available;
  }

  function openPeople(name) {
    Object.assign(state, { doc: '', dq: '', view: 'people' });
    $('records-filter').value = name || '';
    pushURL();
    render();
  }

  // renderRecords shows the people view (person → titles over time) or the
  // formulations list, for the dates and sources of the form.
  async function renderRecords() {
    const my = ticket('records');
    const people = state.view === 'people';
    $('records-title').textContent = people ? t('peopleTitle') : t('formsTitle');
    $('people-list').hidden = !people;
    $('formulations-box').hidden = people;
    $('records-total').textContent = t('loading');
    if (!(await recordsAvailable())) {
      if (current('records', my)) $('records-total').textContent = recordsStatus.reason || '';
      return;
    }
    try {
      recordsRes = await api(people ? 'people' : 'formulations', Object.assign(filterParams(), { limit: 1000 }));
    } catch (e) {
      if (current('records', my)) $('records-total').textContent = t('error') + ': ' + e.message;
      return;
    }
    if (!current('records', my)) return;
    drawRecords();
  }

  function drawRecords() {
    if (!recordsRes) return;
    const f = $('records-filter').value.trim().toLowerCase();
    if (state.view === 'people') {
      const box = $('people-list');
      box.textContent = '';
      const ps = recordsRes.people.filter(p => !f || p.name.toLowerCase().includes(f) || p.titles.some(x => x.title.toLowerCase().includes(f)));
      const shown = ps.slice(0, 200);
      $('records-total').textContent = t('nPeople', ps.length, shown.length);
      shown.forEach(p => {
        const d = el('details', 'person');
        if (shown.length === 1 || (f && p.name.toLowerCase() === f)) d.open = true;
        const sum = el('summary');
        sum.append(el('strong', 'name', p.name), document.createTextNode(' '), el('span', 'muted', t('personLine', p.docs, p.first, p.last)));
        d.append(sum);
        const tab = el('table', 'data titles');
        const hr = el('tr');
        [t('title'), t('first'), t('last'), t('docs')].forEach(h => hr.append(el('th', '', h)));
        tab.append(hr);
        p.titles.forEach(x => {
          const tr = el('tr');
          tr.append(el('td', 'title', x.title), el('td', '', x.first), el('td', '', x.last), el('td', 'num', fmtInt(x.docs)));
          tab.append(tr);
        });
        d.append(tab);
        box.append(d);
      });
      return;
    }
    const tab = $('formulations-table');
    tab.textContent = '';
    const fs = recordsRes.formulations.filter(x => !f || x.text.toLowerCase().includes(f));
    const shown = fs.slice(0, 500);
    $('records-total').textContent = t('nForms', fs.length, shown.length);
    const hr = el('tr');
    [t('formulationCol'), t('docs'), t('firstSeen'), t('lastSeen')].forEach(h => hr.append(el('th', '', h)));
    tab.append(hr);
    shown.forEach(x => {
      const tr = el('tr', 'formulation');
      const a = el('button', 'link', x.text);
      a.type = 'button';
      a.addEventListener('click', () => {
        Object.assign(state, { view: '', qs: ['"' + x.text.replace(/"/g, ' ') + '"'], bucket: '', focus: 0 });
        pushURL();
        render();
      });
      const td = el('td');
      td.append(a);
      tr.append(td, el('td', 'num', fmtInt(x.docs)), el('td', '', x.first_seen), el('td', '', x.last_seen));
      tab.append(tr);
    });
  }
  function wrapDD(node) {
    const dd = el('dd');
    dd.append(node);
    return dd;
  }

  const enc = new TextEncoder(), dec = new TextDecoder();

  // markSpans puts text into e with the byte spans [start, end) marked.
  function markSpans(e, text, spans) {
    e.textContent = '';
    const b = enc.encode(text);
    let pos = 0;
    (spans || []).forEach(s => {
      if (s.start < pos || s.end > b.length || s.end <= s.start) return;
      e.append(document.createTextNode(dec.decode(b.subarray(pos, s.start))));
      e.append(el('mark', 'hit', dec.decode(b.subarray(s.start, s.end))));
      pos = s.end;
    });
    e.append(document.createTextNode(dec.decode(b.subarray(pos))));
  }

  function stepHit(d) {
    if (!docMarks.length) return;
    if (docCur >= 0) docMarks[docCur].classList.remove('current');
    docCur = (docCur + d + docMarks.length) % docMarks.length;
    const m = docMarks[docCur];
    m.classList.add('current');
    m.scrollIntoView({ block: 'center' });
  }

  // ---------------------------------------------------------------- downloads
  function download(name, blob) {
    const url = URL.createObjectURL(blob);
    const a = el('a');
    a.href = url;
    a.download = name;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60000);
  }
  // csv writes rows as Go's encoding/csv does (the CLI's --csv).
  function csv(rows) {
    const cell = v => {
      const s = String(v);
      return /[",\r\n]/.test(s) || /^\s/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
    };
    return rows.map(r => r.map(cell).join(',')).join('\n') + '\n';
  }
  const csvBlob = rows => new Blob([csv(rows)], { type: 'text/csv;charset=utf-8' });
  const jsonBlob = v => new Blob([JSON.stringify(v) + '\n'], { type: 'application/json' });
  const searchRows = hits => [['id', 'date', 'source', 'title', 'score', 'hits', 'snippet']]
    .concat(hits.map(h => [h.id, h.date, h.source, h.title, h.score, h.hits, h.snippet]));
  const baseName = () => 'tifa-' + (activeQs()[0] || 'query').replace(/[^\p{L}\p{N}]+/gu, '-').slice(0, 40);

  function trendCSV() {
    const rows = [['query', 'start', 'hits', 'docs', 'total_docs', 'total_tokens']];
    trend.series.forEach(s => s.buckets.forEach(b => rows.push([s.query, b.start, b.hits, b.docs, b.total_docs, b.total_tokens])));
    return rows;
  }

  function chartPNG() {
    if (!chart) return;
    const src = chart.ctx.canvas, pr = devicePixelRatio || 1;
    const lineH = 18 * pr, head = lineH * (trend.series.length + 1) + 8 * pr;
    const c = document.createElement('canvas');
    c.width = src.width;
    c.height = src.height + head;
    const ctx = c.getContext('2d');
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, c.width, c.height);
    ctx.font = `${12 * pr}px sans-serif`;
    ctx.fillStyle = '#1d2330';
    const f = [t(state.y === 'ppm' ? 'yPpm' : state.y === 'share' ? 'yShare' : 'yHits'), t(state.by),
      state.from || state.to ? `${state.from || '…'} – ${state.to || '…'}` : '', state.sources.join(', ')].filter(Boolean);
    ctx.fillText(f.join(' · '), 8 * pr, lineH);
    trend.series.forEach((s, i) => {
      ctx.fillStyle = COLORS[i % COLORS.length];
      ctx.fillRect(8 * pr, lineH * (i + 1) + 7 * pr, 10 * pr, 10 * pr);
      ctx.fillStyle = '#1d2330';
      ctx.fillText(s.query + (s.first_seen ? `  (${s.first_seen} – ${s.last_seen})` : ''), 24 * pr, lineH * (i + 2));
    });
    ctx.drawImage(src, 0, head);
    c.toBlob(b => download(baseName() + '-trend.png', b), 'image/png');
  }

  // ---------------------------------------------------------------- wiring
  function wire() {
    $('qform').addEventListener('submit', onSubmit);
    $('add-q').addEventListener('click', () => {
      syncForm();
      state.qs.push('');
      renderForm();
      const ins = document.querySelectorAll('#formulations input.q');
      ins[ins.length - 1].focus();
    });
    $('collapse').addEventListener('change', () => {
      syncForm();
      state.bucket = '';
      pushURL();
      if (activeQs().length) render();
    });
    $('lang').addEventListener('click', () => {
      syncForm();
      state.lang = state.lang === 'zh' ? 'en' : 'zh';
      replaceURL();
      applyLang();
      if (trend) { drawChart(); renderSummary(); renderTrendTable(); }
      if (state.doc || activeQs().length) render();
    });
    const rerun = (key, fn) => $(key).addEventListener('change', e => { state[key] = e.target.value; pushURL(); fn(); });
    rerun('by', () => { state.bucket = ''; renderBucket(); renderTrend(); });
    rerun('y', () => { if (trend) drawChart(); });
    rerun('sort', () => loadResults(false));
    rerun('ksort', () => { if (kwicRes) renderKWIC(); });
    $('focus').addEventListener('change', e => { state.focus = parseInt(e.target.value, 10) || 0; pushURL(); renderLists(); });
    $('tab-results').addEventListener('click', () => { state.tab = 'results'; pushURL(); renderLists(); });
    $('tab-kwic').addEventListener('click', () => { state.tab = 'kwic'; pushURL(); renderLists(); });
    $('tab-colloc').addEventListener('click', () => { state.tab = 'colloc'; pushURL(); renderLists(); });
    $('more').addEventListener('click', () => loadResults(true));
    $('bucket-close').addEventListener('click', () => { state.bucket = ''; pushURL(); renderBucket(); if (chart) chart.redraw(false); });
    $('doc-back').addEventListener('click', () => { state.doc = ''; state.dq = ''; pushURL(); render(); });
    $('doc-prev').addEventListener('click', () => stepHit(-1));
    $('nav-people').addEventListener('click', () => openPeople(''));
    $('nav-formulations').addEventListener('click', () => {
      Object.assign(state, { doc: '', dq: '', view: 'formulations' });
      $('records-filter').value = '';
      pushURL();
      render();
    });
    $('records-back').addEventListener('click', () => { state.view = ''; pushURL(); render(); });
    $('records-filter').addEventListener('input', drawRecords);
    $('doc-next').addEventListener('click', () => stepHit(1));
    $('home').addEventListener('click', e => {
      e.preventDefault();
      Object.assign(state, { qs: [''], from: '', to: '', sources: [], bucket: '', doc: '', dq: '', focus: 0, view: '' });
      pushURL();
      render();
    });

    const stamp = () => (state.by + (state.from ? '-' + state.from : '') + (state.to ? '-' + state.to : ''));
    $('dl-trend-csv').addEventListener('click', () => trend && download(baseName() + '-trend-' + stamp() + '.csv', csvBlob(trendCSV())));
    $('dl-trend-json').addEventListener('click', () => trend && download(baseName() + '-trend-' + stamp() + '.json', jsonBlob(trend)));
    $('dl-chart-png').addEventListener('click', chartPNG);
    $('dl-results-csv').addEventListener('click', () => results && download(baseName() + '-documents.csv', csvBlob(searchRows(results.hits))));
    $('dl-results-json').addEventListener('click', () => results && download(baseName() + '-documents.json', jsonBlob(results)));
    $('dl-kwic-csv').addEventListener('click', () => kwicRes && download(baseName() + '-kwic.csv',
      csvBlob([['id', 'date', 'source', 'left', 'match', 'right']].concat(kwicLines().map(l => [l.id, l.date, l.source, l.left, l.match, l.right])))));
    $('dl-kwic-json').addEventListener('click', () => kwicRes && download(baseName() + '-kwic.json', jsonBlob({ total: kwicRes.total, lines: kwicLines() })));
    $('dl-bucket-csv').addEventListener('click', () => bucketRes && download(baseName() + '-' + state.bucket + '.csv',
      csvBlob([['query'].concat(searchRows([])[0])].concat(...bucketRes.map(g => searchRows(g.hits).slice(1).map(r => [g.query].concat(r)))))));
    $('dl-bucket-json').addEventListener('click', () => bucketRes && download(baseName() + '-' + state.bucket + '.json', jsonBlob(bucketRes)));

    window.addEventListener('popstate', () => { readURL(); applyLang(); render(); });
    let rt = 0;
    window.addEventListener('resize', () => {
      clearTimeout(rt);
      rt = setTimeout(() => { if (chart) chart.setSize(chartSize()); }, 150);
    });
  }

  async function init() {
    readURL();
    wire();
    applyLang();
    try {
      allSources = (await api('sources')).sources;
    } catch (e) { showError(e); }
    await render();
    document.body.dataset.ready = '1';
  }

  // For tests and the curious: the chart and where a bucket is drawn.
  window.tifa = {
    chart: () => chart,
    // bucketPoint returns the page coordinates of bucket i's x position,
    // halfway down the plot.
    bucketPoint(i) {
      const r = chart.over.getBoundingClientRect();
      return { x: r.left + chart.valToPos(chart.data[0][i], 'x'), y: r.top + r.height / 2 };
    },
    trend: () => trend,
    lifecycle: () => life,
    collocates: () => collocRes,
    records: () => recordsRes
  };

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();

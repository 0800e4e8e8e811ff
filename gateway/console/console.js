// The governance console: reads the audit log and decides extract requests through
// /graphql on this origin. The token lives in sessionStorage only and travels only in the
// Authorization header. Every value from the API reaches the page as text (textContent),
// never as markup.

const TOKEN_KEY = 'pictures-graph:governance-token';
const CLIENT = { 'apollographql-client-name': 'governance-console' };

const ENTRY_FIELDS = `id seq at caller role project clientName clientVersion operationName
  documentHash document variables coordinates outcome httpStatus errorCodes deniedFields
  releasedCounts rowsReturned durationMs flags hash`;

const QUERIES = {
  me: 'query ConsoleSignIn { me { subject role } }',
  log: `query ConsoleLog($filter: QueryLogFilter, $first: Int, $after: String) {
    queryLog(filter: $filter, first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { node { ${ENTRY_FIELDS} } }
    }
  }`,
  integrity: `query ConsoleIntegrity { auditIntegrity {
    ok entries checkpoints firstBrokenSeq reason lastSeq lastCheckpointSeq checkedAt durationMs } }`,
  extracts: `query ConsoleExtracts($status: ExtractStatus, $first: Int) {
    extractRequests(status: $status, first: $first) {
      totalCount
      hasNextPage
      edges { node { id project cohortId cohortName imaging subjectCount studyCount instanceCount
        tables requestedBy requestedAt status decidedBy decidedAt note } }
    }
  }`,
  approve: `mutation ConsoleApprove($id: ID!, $note: String) {
    approveExtract(id: $id, note: $note) { id project status decidedBy decidedAt note } }`,
  reject: `mutation ConsoleReject($id: ID!, $note: String) {
    rejectExtract(id: $id, note: $note) { id project status decidedBy decidedAt note } }`,
};

/** What each flag means, shown beside it in an entry. */
const FLAG_MEANINGS = {
  DENIAL: 'a field or operation was refused to this caller (FORBIDDEN)',
  UNAUTHENTICATED: 'the request carried no valid token',
  RATE_LIMITED: 'the caller was sending too many requests',
  DISCLOSURE_REFUSED: 'an answer would have breached the disclosure rules for counts',
  TOO_COMPLEX: 'the operation exceeded a depth, size or cost limit',
  UNUSUAL_VOLUME: 'the answer returned an unusually large number of rows',
};

const EXTRACTS_SHOWN = 100;

const state = {
  /** The filter as last applied; paging and export use it, not the form's unsaved edits. */
  filter: {},
  pageSize: 50,
  /** `after` cursor of each page seen so far; the last is the current page's. */
  cursors: [null],
  /** The cursor after the current page, or null on the last page. */
  nextCursor: null,
  entries: new Map(),
  openSeq: null,
  /** Loads started, so that only the latest renders; see loadLog. */
  loads: 0,
  extractLoads: 0,
};

const byId = (id) => document.getElementById(id);

/** An element with attributes and children; strings become text nodes, never markup. */
function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== undefined && value !== null && value !== false) {
      node.setAttribute(name, value === true ? '' : String(value));
    }
  }
  node.append(...children.filter((child) => child !== null && child !== undefined));
  return node;
}

class ApiError extends Error {
  constructor(message, code) {
    super(message);
    this.code = code;
  }
}

function describeError(error) {
  return error instanceof ApiError && error.code
    ? `${error.message} (${error.code})`
    : error.message;
}

async function graphql(query, variables = {}, token = sessionStorage.getItem(TOKEN_KEY)) {
  const response = await fetch('/graphql', {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...CLIENT,
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify({ query, variables }),
  });
  let body;
  try {
    body = await response.json();
  } catch {
    throw new ApiError(`The gateway answered HTTP ${response.status} without a JSON body`);
  }
  const [first] = body.errors ?? [];
  if (first) {
    // A session token that stops working (expired, revoked key) ends the session.
    if (first.extensions?.code === 'UNAUTHENTICATED' && sessionStorage.getItem(TOKEN_KEY)) {
      endSession(`Your session has ended: ${first.message}`);
    }
    throw new ApiError(first.message, first.extensions?.code);
  }
  return body.data;
}

function announce(message) {
  byId('status').textContent = message;
}

// ---- signing in and out

/** Signs in with a governance token; refuses any other role, keeping nothing. */
async function signIn(token) {
  const error = byId('sign-in-error');
  error.textContent = '';
  let me;
  try {
    ({ me } = await graphql(QUERIES.me, {}, token));
  } catch (failure) {
    error.textContent = `Sign-in failed: ${describeError(failure)}`;
    return;
  }
  if (me.role !== 'GOVERNANCE') {
    error.textContent =
      `This console is for governance staff; the token you gave has the ` +
      `${me.role.toLowerCase()} role. Sign in with a governance token.`;
    return;
  }
  sessionStorage.setItem(TOKEN_KEY, token);
  byId('token').value = '';
  byId('who-text').textContent = `Signed in as ${me.subject} (governance)`;
  byId('who').hidden = false;
  byId('sign-in').hidden = true;
  byId('workspace').hidden = false;
  announce(`Signed in as ${me.subject}.`);
  byId('main').focus();
  await Promise.all([loadLog(), checkIntegrity(), loadExtracts()]);
}

function endSession(message) {
  sessionStorage.removeItem(TOKEN_KEY);
  state.entries.clear();
  state.cursors = [null];
  closeEntry(false);
  byId('log-rows').replaceChildren();
  byId('extracts-rows').replaceChildren();
  byId('who').hidden = true;
  byId('workspace').hidden = true;
  byId('sign-in').hidden = false;
  byId('sign-in-error').textContent = message;
  byId('token').value = '';
  byId('token').focus();
}

// ---- the log

function filterFromForm() {
  const form = byId('filters');
  const filter = {};
  for (const name of ['caller', 'project', 'operationName', 'outcome', 'flag']) {
    const value = form.elements[name].value.trim();
    if (value) {
      filter[name] = value;
    }
  }
  for (const name of ['from', 'to']) {
    const value = form.elements[name].value;
    if (value) {
      // datetime-local has no zone; the console works in UTC throughout.
      filter[name] = new Date(`${value}Z`).toISOString();
    }
  }
  if (form.elements.flagged.checked) {
    filter.flagged = true;
  }
  return filter;
}

function applyFilter() {
  state.filter = filterFromForm();
  state.pageSize = Number(byId('f-size').value);
  state.cursors = [null];
  return loadLog();
}

async function loadLog() {
  // Only the latest load may render: an earlier, slower answer must not overwrite it.
  const load = ++state.loads;
  const table = byId('log-table');
  const error = byId('log-error');
  error.textContent = '';
  table.setAttribute('aria-busy', 'true');
  announce('Loading the log…');
  let connection;
  let failed = null;
  try {
    ({ queryLog: connection } = await graphql(QUERIES.log, {
      filter: state.filter,
      first: state.pageSize,
      after: state.cursors.at(-1),
    }));
  } catch (failure) {
    failed = failure;
  }
  if (load !== state.loads) {
    return;
  }
  table.removeAttribute('aria-busy');
  if (failed) {
    error.textContent = describeError(failed);
    announce('');
    return;
  }
  renderLog(connection);
}

function renderLog({ totalCount, pageInfo, edges }) {
  const page = state.cursors.length - 1;
  state.entries = new Map(edges.map(({ node }) => [String(node.seq), node]));
  state.nextCursor = pageInfo.hasNextPage ? pageInfo.endCursor : null;

  const rows = edges.map(({ node }) => logRow(node));
  if (rows.length === 0) {
    rows.push(el('tr', {}, el('td', { colspan: 10, class: 'empty' }, 'No entries match.')));
  }
  byId('log-rows').replaceChildren(...rows);

  const start = page * state.pageSize + 1;
  const end = page * state.pageSize + edges.length;
  const summary =
    edges.length === 0
      ? `No entries of ${totalCount} match.`
      : `Entries ${start}–${end} of ${totalCount} matching.`;
  byId('log-summary').textContent = summary;
  byId('page-number').textContent =
    `Page ${page + 1} of ${Math.max(1, Math.ceil(totalCount / state.pageSize))}`;
  byId('page-previous').disabled = page === 0;
  byId('page-next').disabled = state.nextCursor === null;
  announce(summary);
}

function time(iso) {
  const text = iso ? `${iso.slice(0, 10)} ${iso.slice(11, 19)}` : '';
  return el('time', { datetime: iso }, text);
}

function flagList(flags) {
  return flags.map((flag) => el('span', { class: 'flag' }, flag));
}

function logRow(entry) {
  const open = el(
    'button',
    { type: 'button', class: 'link', 'data-open': entry.seq },
    `#${entry.seq}`,
  );
  const row = el(
    'tr',
    { 'data-seq': entry.seq, class: entry.flags.length > 0 ? 'flagged' : null },
    el('td', {}, open),
    el('td', {}, time(entry.at)),
    el('td', {}, entry.caller ?? '—'),
    el('td', {}, entry.role ?? '—'),
    el('td', {}, entry.project ?? '—'),
    el('td', {}, entry.operationName ?? '—'),
    el('td', {}, el('span', { class: `outcome ${entry.outcome.toLowerCase()}` }, entry.outcome)),
    el('td', { class: 'flags' }, ...flagList(entry.flags)),
    el('td', { class: 'num' }, String(entry.rowsReturned)),
    el('td', { class: 'num' }, `${entry.durationMs} ms`),
  );
  if (String(entry.seq) === state.openSeq) {
    row.setAttribute('aria-current', 'true');
  }
  return row;
}

// ---- one entry

function listOrNone(values) {
  return values.length > 0 ? values.join(', ') : 'none';
}

function lines(values) {
  return el('ul', { class: 'plain' }, ...values.map((value) => el('li', {}, value)));
}

function prettyVariables(text) {
  if (text === null) {
    return 'none';
  }
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

function openEntry(seq) {
  const entry = state.entries.get(seq);
  if (!entry) {
    return;
  }
  state.openSeq = seq;
  for (const row of byId('log-rows').querySelectorAll('tr[data-seq]')) {
    if (row.dataset.seq === seq) {
      row.setAttribute('aria-current', 'true');
    } else {
      row.removeAttribute('aria-current');
    }
  }
  const client = entry.clientName
    ? `${entry.clientName}${entry.clientVersion ? ` ${entry.clientVersion}` : ''}`
    : 'none';
  const flags =
    entry.flags.length === 0
      ? 'none'
      : el(
          'ul',
          { class: 'plain' },
          ...entry.flags.map((flag) =>
            el('li', {}, el('span', { class: 'flag' }, flag), ` ${FLAG_MEANINGS[flag] ?? ''}`),
          ),
        );
  // [label, value, wide]: wide values take the panel's full width.
  const fields = [
    ['Sequence', String(entry.seq)],
    ['Outcome', entry.outcome],
    ['Received (UTC)', entry.at, true],
    ['Caller', entry.caller ?? 'none (not authenticated)'],
    ['Role', entry.role ?? 'none'],
    ['Project', entry.project ?? 'none'],
    ['Client', client],
    ['Operation', entry.operationName ?? 'unnamed'],
    ['HTTP status', String(entry.httpStatus)],
    ['Rows returned', String(entry.rowsReturned)],
    ['Duration', `${entry.durationMs} ms`],
    ['Errors', listOrNone(entry.errorCodes), true],
    ['Flags', flags, true],
    ['Denied fields', entry.deniedFields.length === 0 ? 'none' : lines(entry.deniedFields), true],
    ['Released counts', listOrNone(entry.releasedCounts), true],
    ['Coordinates', entry.coordinates.length === 0 ? 'none' : lines(entry.coordinates), true],
    ['Document hash', entry.documentHash ?? 'none', true],
    ['Chain hash', entry.hash, true],
  ];
  // A <div> may group each name with its value inside a <dl> (HTML, "The dl element").
  byId('detail-fields').replaceChildren(
    ...fields.map(([name, value, wide]) =>
      el('div', { class: wide ? 'wide' : null }, el('dt', {}, name), el('dd', {}, value)),
    ),
  );
  byId('detail-title').textContent = `Entry #${entry.seq}`;
  byId('detail-document').textContent = entry.document ?? 'none';
  byId('detail-variables').textContent = prettyVariables(entry.variables);
  const panel = byId('detail');
  panel.hidden = false;
  panel.focus();
}

function closeEntry(returnFocus = true) {
  const seq = state.openSeq;
  state.openSeq = null;
  byId('detail').hidden = true;
  for (const row of byId('log-rows').querySelectorAll('tr[aria-current]')) {
    row.removeAttribute('aria-current');
  }
  const button = seq && byId('log-rows').querySelector(`button[data-open="${CSS.escape(seq)}"]`);
  if (returnFocus && button) {
    button.focus();
  }
}

// ---- integrity

async function checkIntegrity() {
  const status = byId('integrity-status');
  const detail = byId('integrity-detail');
  status.className = 'integrity';
  status.textContent = 'Checking the hash chain…';
  detail.textContent = '';
  let report;
  try {
    ({ auditIntegrity: report } = await graphql(QUERIES.integrity));
  } catch (failure) {
    status.className = 'integrity broken';
    status.textContent = `Could not check: ${describeError(failure)}`;
    return;
  }
  if (report.ok) {
    status.className = 'integrity ok';
    status.textContent = `OK: the chain of ${report.entries} entries is intact.`;
  } else {
    status.className = 'integrity broken';
    status.textContent =
      `BROKEN at entry #${report.firstBrokenSeq ?? '?'}: ${report.reason ?? 'no reason given'}. ` +
      'Report this to the platform operators and keep the log as it is.';
  }
  const checkpoints =
    report.checkpoints === 0
      ? 'no signed checkpoints yet'
      : `${report.checkpoints} signed checkpoints, the last at entry #${report.lastCheckpointSeq}`;
  detail.textContent =
    `Last entry #${report.lastSeq ?? '–'}; ${checkpoints}. ` +
    `Checked ${report.checkedAt} in ${report.durationMs} ms.`;
}

// ---- extract requests

async function loadExtracts() {
  const load = ++state.extractLoads;
  const error = byId('extracts-error');
  error.textContent = '';
  const status = byId('extracts-status-filter').value || null;
  let connection;
  try {
    ({ extractRequests: connection } = await graphql(QUERIES.extracts, {
      status,
      first: EXTRACTS_SHOWN,
    }));
  } catch (failure) {
    if (load === state.extractLoads) {
      error.textContent = describeError(failure);
    }
    return;
  }
  if (load !== state.extractLoads) {
    return;
  }
  const rows = connection.edges.map(({ node }) => extractRow(node));
  if (rows.length === 0) {
    rows.push(el('tr', {}, el('td', { colspan: 7, class: 'empty' }, 'No requests.')));
  }
  if (connection.hasNextPage) {
    const more = `Showing the oldest ${connection.edges.length} of ${connection.totalCount}.`;
    rows.push(el('tr', {}, el('td', { colspan: 7, class: 'empty' }, more)));
  }
  byId('extracts-rows').replaceChildren(...rows);
}

function extractRow(request) {
  const label = `${request.id.slice(0, 8)} for ${request.project}`;
  let decision;
  if (request.status === 'PENDING') {
    const noteId = `note-${request.id}`;
    decision = el(
      'div',
      { class: 'decide' },
      el('label', { for: noteId, class: 'visually-hidden' }, `Note on request ${label}`),
      el('input', {
        id: noteId,
        type: 'text',
        maxlength: 2000,
        placeholder: 'Note (optional)',
        autocomplete: 'off',
      }),
      el(
        'button',
        { type: 'button', 'data-decide': 'approve', 'data-id': request.id },
        'Approve',
        el('span', { class: 'visually-hidden' }, ` request ${label}`),
      ),
      el(
        'button',
        { type: 'button', 'data-decide': 'reject', 'data-id': request.id },
        'Reject',
        el('span', { class: 'visually-hidden' }, ` request ${label}`),
      ),
    );
  } else {
    const note = request.note ? `; note: ${request.note}` : '';
    decision = `${request.decidedBy ?? '?'} at ${request.decidedAt ?? '?'}${note}`;
  }
  return el(
    'tr',
    { 'data-extract': request.id },
    el('td', {}, time(request.requestedAt)),
    el('td', {}, request.project),
    el(
      'td',
      {},
      request.cohortName ?? '',
      el('br'),
      el('span', { class: 'mono' }, request.cohortId),
    ),
    el('td', {}, request.requestedBy),
    el('td', { class: 'mono' }, request.imaging ?? 'all imaging'),
    el('td', { class: 'contents' }, contentsOf(request)),
    el('td', {}, request.status),
    el('td', {}, decision),
  );
}

/** What was frozen when the request was made: exactly what approval releases. */
function contentsOf(request) {
  const figures =
    `${number(request.subjectCount)} subjects, ${number(request.studyCount)} studies, ` +
    `${number(request.instanceCount)} images`;
  return request.tables.length > 0 ? `${figures}; tables: ${request.tables.join(', ')}` : figures;
}

function number(value) {
  return Number(value).toLocaleString('en-GB');
}

async function decide(button) {
  const id = button.dataset.id;
  const approve = button.dataset.decide === 'approve';
  const note = byId(`note-${id}`)?.value.trim() || null;
  const result = byId('extracts-result');
  const error = byId('extracts-error');
  result.textContent = '';
  error.textContent = '';
  let decided;
  try {
    const data = await graphql(approve ? QUERIES.approve : QUERIES.reject, { id, note });
    decided = approve ? data.approveExtract : data.rejectExtract;
  } catch (failure) {
    error.textContent = `Request ${id.slice(0, 8)}: ${describeError(failure)}`;
    error.focus();
    return;
  }
  const verb = decided.status === 'APPROVED' ? 'Approved' : 'Rejected';
  result.textContent =
    `${verb} request ${decided.id.slice(0, 8)} for ${decided.project} as ${decided.decidedBy}` +
    (decided.note ? ` with the note “${decided.note}”.` : '.');
  await loadExtracts();
  result.focus();
}

// ---- CSV export

async function exportCsv() {
  const error = byId('log-error');
  error.textContent = '';
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(state.filter)) {
    params.set(name, String(value));
  }
  announce('Preparing the CSV export…');
  let response;
  try {
    response = await fetch(`/governance/export.csv?${params}`, {
      headers: { authorization: `Bearer ${sessionStorage.getItem(TOKEN_KEY)}` },
    });
  } catch (failure) {
    error.textContent = `The export failed: ${failure.message}`;
    return;
  }
  if (!response.ok) {
    const body = await response.json().catch(() => ({}));
    const [first] = body.errors ?? [];
    error.textContent = first
      ? `${first.message} (${first.extensions?.code})`
      : `The export failed with HTTP ${response.status}`;
    announce('');
    return;
  }
  let blob;
  try {
    blob = await response.blob();
  } catch {
    error.textContent = 'The export was cut short; nothing was saved. Try again.';
    return;
  }
  // A Blob URL, not a link to the export: the token must never appear in a URL.
  const url = URL.createObjectURL(blob);
  const name = /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '');
  const link = el('a', { href: url, download: name ? name[1] : 'query-log.csv', hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  announce('The CSV export is ready.');
}

// ---- wiring

function wire() {
  byId('sign-in-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const token = byId('token').value.trim();
    if (!token) {
      byId('sign-in-error').textContent = 'Paste a governance token first.';
      return;
    }
    void signIn(token);
  });
  byId('sign-out').addEventListener('click', () => {
    endSession('');
    announce('Signed out.');
  });

  byId('filters').addEventListener('submit', (event) => {
    event.preventDefault();
    void applyFilter();
  });
  for (const id of ['f-flagged', 'f-size', 'f-outcome', 'f-flag']) {
    byId(id).addEventListener('change', () => void applyFilter());
  }
  byId('filters-clear').addEventListener('click', () => {
    byId('filters').reset();
    void applyFilter();
  });
  byId('export').addEventListener('click', () => void exportCsv());

  byId('page-next').addEventListener('click', () => {
    if (state.nextCursor) {
      state.cursors.push(state.nextCursor);
      void loadLog();
    }
  });
  byId('page-previous').addEventListener('click', () => {
    if (state.cursors.length > 1) {
      state.cursors.pop();
      void loadLog();
    }
  });

  // One listener for the table: a click anywhere on a row opens it; its button gives
  // keyboard users the same with Enter or Space.
  byId('log-rows').addEventListener('click', (event) => {
    const row = event.target.closest('tr[data-seq]');
    if (row) {
      openEntry(row.dataset.seq);
    }
  });
  byId('detail-close').addEventListener('click', () => closeEntry());
  byId('detail').addEventListener('keydown', (event) => {
    if (event.key === 'Escape') {
      closeEntry();
    }
  });

  byId('integrity-check').addEventListener('click', () => void checkIntegrity());
  byId('extracts-status-filter').addEventListener('change', () => void loadExtracts());
  byId('extracts-refresh').addEventListener('click', () => void loadExtracts());
  byId('extracts-rows').addEventListener('click', (event) => {
    const button = event.target.closest('button[data-decide]');
    if (button) {
      void decide(button);
    }
  });
}

wire();
const saved = sessionStorage.getItem(TOKEN_KEY);
if (saved) {
  void signIn(saved);
}

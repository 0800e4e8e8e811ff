// <cohort-count>: a disclosure-controlled cohort count from pictures-graph, for any web page.
// Plain JavaScript, no framework, loaded as a classic script. It sends one safelisted
// operation by hash (docs/embedding.md) with the page's embed token, and shows the count
// with its disclosure note. Every value reaches the page as text, never as markup.
(() => {
  'use strict';

  /** The safelisted operation it runs (gateway/embed/safelist.json). */
  const OPERATION = {
    name: 'EmbedCohortCount',
    sha256: '0f98ae3b3a8ef5c2f46ae5f3a58d1124f3c7d21271bb3bbe0ba635856416b0fb',
  };
  const CLIENT = { name: 'cohort-count', version: '1' };
  const TIMEOUT_MS = 15_000;
  const MAX_RETRIES = 3;

  /** What each error code means to someone reading the page. */
  const MESSAGES = {
    UNAUTHENTICATED: 'This page’s permission to show counts has expired. Reload the page.',
    FORBIDDEN: 'This page is not allowed to show this count.',
    BAD_USER_INPUT: 'The criteria of this count are not valid.',
    QUERY_TOO_COMPLEX: 'The criteria of this count are too complex.',
    RATE_LIMITED: 'Too many counts were asked for just now.',
    DISCLOSURE_REFUSED:
      'This count cannot be shown: with counts already shown it could reveal a small group.',
    UPSTREAM_UNAVAILABLE: 'The count service is unavailable. Try again later.',
    INTERNAL_SERVER_ERROR: 'The count service failed.',
    NETWORK: 'The count service could not be reached from this page, or does not allow this page.',
    TIMEOUT: 'The count service did not answer in time. Try again later.',
    SETUP: 'This count is not set up: it needs endpoint, token and criteria attributes.',
    CRITERIA: 'The criteria attribute is not valid JSON.',
  };

  const STYLE = `
    :host { display: inline-block; font: inherit; color: inherit; }
    .box { margin: 0; }
    .value { font-size: 1.6em; font-weight: 600; font-variant-numeric: tabular-nums; }
    .label { margin-left: 0.3em; }
    .note { display: block; font-size: 0.8em; opacity: 0.75; }
    :host([state='loading']) .value { opacity: 0.5; }
    :host([state='error']) .value { font-size: 1em; font-weight: normal; }
  `;

  /**
   * A constructed style sheet, which a page's Content-Security-Policy does not block as it
   * blocks a <style> element; older browsers get the element.
   */
  let sheet = null;
  function adoptStyle(root) {
    if ('adoptedStyleSheets' in root && typeof CSSStyleSheet.prototype.replaceSync === 'function') {
      if (!sheet) {
        sheet = new CSSStyleSheet();
        sheet.replaceSync(STYLE);
      }
      root.adoptedStyleSheets = [sheet];
      return;
    }
    const style = document.createElement('style');
    style.textContent = STYLE;
    root.append(style);
  }

  class CohortCountError extends Error {
    constructor(code, detail = {}) {
      super(MESSAGES[code] ?? MESSAGES.INTERNAL_SERVER_ERROR);
      this.code = code in MESSAGES ? code : 'INTERNAL_SERVER_ERROR';
      this.detail = detail;
    }
  }

  class CohortCount extends HTMLElement {
    static get observedAttributes() {
      return ['endpoint', 'token', 'criteria', 'label', 'locale'];
    }

    constructor() {
      super();
      const root = this.attachShadow({ mode: 'open' });
      adoptStyle(root);
      const box = document.createElement('p');
      box.className = 'box';
      box.setAttribute('part', 'box');
      box.setAttribute('role', 'status');
      box.setAttribute('aria-live', 'polite');
      this.parts = {};
      for (const name of ['value', 'label', 'note']) {
        const part = document.createElement('span');
        part.className = name;
        part.setAttribute('part', name);
        box.append(part);
        this.parts[name] = part;
      }
      root.append(box);
      this.generation = 0;
      this.controller = null;
      this.retryTimer = null;
    }

    connectedCallback() {
      this.schedule();
    }

    disconnectedCallback() {
      this.cancel();
    }

    attributeChangedCallback(_name, before, after) {
      if (before !== after && this.isConnected) {
        this.schedule();
      }
    }

    /** Several attributes set together start one request. */
    schedule() {
      const generation = ++this.generation;
      queueMicrotask(() => {
        if (generation === this.generation && this.isConnected) {
          this.cancel();
          void this.load(generation, 0);
        }
      });
    }

    cancel() {
      this.controller?.abort();
      this.controller = null;
      clearTimeout(this.retryTimer);
    }

    async load(generation, attempt) {
      this.show('loading', { value: '…', note: 'Counting' });
      try {
        const count = await this.fetchCount();
        if (generation === this.generation) {
          this.showCount(count);
        }
      } catch (error) {
        if (generation !== this.generation || error?.name === 'AbortError') {
          return;
        }
        const failure = error instanceof CohortCountError ? error : new CohortCountError('NETWORK');
        const wait = failure.detail.retryAfterSeconds;
        if (failure.code === 'RATE_LIMITED' && wait && attempt < MAX_RETRIES) {
          const seconds = Math.min(60, Math.max(1, wait));
          this.showError(failure, `Trying again in ${seconds} s.`);
          this.retryTimer = setTimeout(
            () => void this.load(generation, attempt + 1),
            seconds * 1000,
          );
          return;
        }
        this.showError(failure);
      }
    }

    async fetchCount() {
      const endpoint = this.getAttribute('endpoint');
      const token = this.getAttribute('token');
      const criteriaText = this.getAttribute('criteria');
      if (!endpoint || !token || !criteriaText) {
        throw new CohortCountError('SETUP');
      }
      let criteria;
      try {
        criteria = JSON.parse(criteriaText);
      } catch {
        throw new CohortCountError('CRITERIA');
      }

      const controller = new AbortController();
      this.controller = controller;
      const timer = setTimeout(() => controller.abort(new CohortCountError('TIMEOUT')), TIMEOUT_MS);
      let response;
      let body;
      try {
        response = await fetch(endpoint, {
          method: 'POST',
          mode: 'cors',
          credentials: 'omit',
          cache: 'no-store',
          signal: controller.signal,
          headers: {
            'content-type': 'application/json',
            authorization: `Bearer ${token}`,
            'apollographql-client-name': CLIENT.name,
            'apollographql-client-version': CLIENT.version,
          },
          body: JSON.stringify({
            operationName: OPERATION.name,
            variables: { criteria },
            extensions: { persistedQuery: { version: 1, sha256Hash: OPERATION.sha256 } },
          }),
        });
        body = await response.json();
      } catch (error) {
        if (controller.signal.reason instanceof CohortCountError) {
          throw controller.signal.reason;
        }
        throw error?.name === 'AbortError' ? error : new CohortCountError('NETWORK');
      } finally {
        clearTimeout(timer);
      }

      const first = body?.errors?.[0];
      if (first) {
        const extensions = first.extensions ?? {};
        const retryAfter = Number(response.headers.get('retry-after'));
        throw new CohortCountError(String(extensions.code), {
          reference: extensions.reference,
          retryAfterSeconds: extensions.retryAfterSeconds ?? (retryAfter || undefined),
        });
      }
      if (!body?.data?.cohortCount) {
        throw new CohortCountError('INTERNAL_SERVER_ERROR');
      }
      return body.data.cohortCount;
    }

    showCount(count) {
      const locale = this.getAttribute('locale') || 'en-GB';
      const label = this.getAttribute('label') ?? 'people';
      if (count.suppressed || count.value === null) {
        this.show('ready', {
          value: `fewer than ${count.threshold}`,
          label,
          note: `Counts below ${count.threshold} are not shown, to protect privacy.`,
        });
      } else {
        const value = new Intl.NumberFormat(locale).format(count.value);
        const rounded = count.roundedTo > 1 ? `Rounded to the nearest ${count.roundedTo}.` : '';
        this.show('ready', { value, label, note: rounded });
      }
      this.dispatchEvent(
        new CustomEvent('cohort-count', { detail: count, bubbles: true, composed: true }),
      );
    }

    showError(failure, extra = '') {
      const reference = failure.detail.reference ? ` Reference ${failure.detail.reference}.` : '';
      this.show('error', { value: failure.message, note: `${extra}${reference}`.trim() });
      this.setAttribute('code', failure.code);
      this.dispatchEvent(
        new CustomEvent('cohort-count-error', {
          detail: { code: failure.code, message: failure.message },
          bubbles: true,
          composed: true,
        }),
      );
    }

    show(state, { value = '', label = '', note = '' }) {
      this.setAttribute('state', state);
      this.toggleAttribute('aria-busy', state === 'loading');
      if (state !== 'error') {
        this.removeAttribute('code');
      }
      this.parts.value.textContent = value;
      this.parts.label.textContent = label;
      this.parts.note.textContent = note;
    }
  }

  if (!customElements.get('cohort-count')) {
    customElements.define('cohort-count', CohortCount);
  }
})();

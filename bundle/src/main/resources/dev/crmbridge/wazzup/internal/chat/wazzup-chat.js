/*
 * The Wazzup connector's chat button: <wazzup-chat-button>. Plain JavaScript, no build step, no
 * dependency. Include it once per page (as a module or a classic script) and place elements:
 *
 *   <wazzup-chat-button scope="global" endpoint="/wazzup/chat" poll="30" label="Chats"></wazzup-chat-button>
 *   <wazzup-chat-button scope="contact" entity-id="42" endpoint="/wazzup/chat" label="Chat"></wazzup-chat-button>
 *   <wazzup-chat-button scope="deal" entity-id="7" endpoint="/wazzup/chat" label="Chat"></wazzup-chat-button>
 *
 * A click opens Wazzup's chat window for the signed-in user in a modal iFrame. The global button shows
 * the unanswered counter. With stream="on" (the connector's default) it listens to the connector's
 * Server-Sent Events stream (`endpoint`/stream, one per page) and the badge moves the moment the counter
 * does; while the stream is not available it polls every `poll` seconds and whenever the tab becomes
 * visible again. A stream that breaks is reconnected by the browser after the pause the connector sets
 * (2 to 5 s); a stream refused is tried again after 5 s, doubling up to 5 minutes. The tabs of one user
 * share one stream (Web Locks and BroadcastChannel; each tab its own where those are missing). The
 * element's data-live attribute says which: "on" (live, from this tab's stream or another's) or "off".
 * Messages from the chat window (Wazzup's origin only) become DOM events on the button, bubbling:
 *   wazzup-create-entity  "+" in the Deals dropdown; unless the page calls preventDefault(), the
 *                         connector asks the CRM to create the deal, then wazzup-deal-created fires
 *   wazzup-open-entity    a deal in the dropdown; unless prevented, its link opens in a new tab
 *   wazzup-error          a window or deal could not be had; detail {status, error, message}
 */
(function () {
  'use strict';
  if (window.customElements === undefined || window.customElements.get('wazzup-chat-button')) {
    return;
  }

  var STYLE = [
    ':host{display:inline-block}',
    'button{display:inline-flex;align-items:center;gap:6px;padding:6px 12px;border:1px solid #1f8a70;',
    'border-radius:6px;background:#fff;color:#1f8a70;font:inherit;cursor:pointer}',
    'button:hover{background:#eaf6f2}',
    'button[disabled]{opacity:.6;cursor:progress}',
    '.badge{min-width:18px;padding:0 5px;border-radius:9px;font-size:12px;line-height:18px;text-align:center;color:#fff}',
    '.badge.red{background:#d93025}.badge.grey{background:#8a8f98}.badge.none{background:#8a8f98}',
    '.badge[hidden]{display:none}'
  ].join('');

  var ICON = '<svg width="16" height="16" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" ' +
    'aria-hidden="true"><path d="M21 11.5a8.4 8.4 0 0 1-9 8.4 8.9 8.9 0 0 1-3.9-.9L3 21l1.9-5.1A8.4 8.4 0 1 1 21 11.5z"/></svg>';

  // the one modal of the page, and which button opened it
  var modal = null;
  var frame = null;
  var opener = null;
  var windowOrigin = null;

  function ensureModal() {
    if (modal) {
      return;
    }
    modal = document.createElement('div');
    modal.id = 'wazzup-chat-modal';
    modal.setAttribute('role', 'dialog');
    modal.setAttribute('aria-modal', 'true');
    modal.setAttribute('aria-label', 'Wazzup chats');
    modal.style.cssText = 'position:fixed;inset:0;z-index:2147483000;background:rgba(0,0,0,.45);display:none;' +
      'align-items:center;justify-content:center';
    var box = document.createElement('div');
    box.style.cssText = 'position:relative;width:min(1100px,96vw);height:min(780px,92vh);background:#fff;' +
      'border-radius:8px;overflow:hidden;box-shadow:0 10px 40px rgba(0,0,0,.35)';
    var close = document.createElement('button');
    close.type = 'button';
    close.id = 'wazzup-chat-close';
    close.setAttribute('aria-label', 'Close');
    close.textContent = '\u00d7';
    close.style.cssText = 'position:absolute;top:4px;right:8px;z-index:1;border:0;background:transparent;' +
      'font-size:26px;line-height:26px;cursor:pointer;color:#555';
    close.addEventListener('click', closeModal);
    frame = document.createElement('iframe');
    frame.id = 'wazzup-chat-frame';
    frame.title = 'Wazzup chats';
    frame.setAttribute('allow', 'microphone *; clipboard-write *');
    frame.style.cssText = 'width:100%;height:100%;border:0';
    box.appendChild(close);
    box.appendChild(frame);
    modal.appendChild(box);
    modal.addEventListener('click', function (e) {
      if (e.target === modal) {
        closeModal();
      }
    });
    document.addEventListener('keydown', function (e) {
      if (e.key === 'Escape' && modal.style.display !== 'none') {
        closeModal();
      }
    });
    document.body.appendChild(modal);
  }

  function openModal(url, button) {
    ensureModal();
    opener = button;
    windowOrigin = new URL(url, document.baseURI).origin;
    frame.src = url;
    modal.style.display = 'flex';
  }

  function closeModal() {
    if (!modal) {
      return;
    }
    modal.style.display = 'none';
    frame.src = 'about:blank';
    windowOrigin = null;
    var b = opener;
    opener = null;
    if (b) {
      b.refreshCounter();
      b.focus();
    }
  }

  function fire(target, name, detail, cancelable) {
    var e = new CustomEvent(name, { detail: detail, bubbles: true, composed: true, cancelable: !!cancelable });
    return target.dispatchEvent(e);
  }

  function readJson(response) {
    return response.text().then(function (text) {
      var body = null;
      try {
        body = text ? JSON.parse(text) : null;
      } catch (ignored) {
        body = null;
      }
      if (!response.ok) {
        var err = new Error((body && body.message) || ('HTTP ' + response.status));
        err.status = response.status;
        err.code = body && body.error;
        throw err;
      }
      return body;
    });
  }

  // an entity's link is opened only when it is an absolute http(s) address: never javascript: or data:
  function httpLink(value) {
    if (typeof value !== 'string') {
      return null;
    }
    try {
      var url = new URL(value, window.location.href);
      return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : null;
    } catch (e) {
      return null;
    }
  }

  // the chat window talks to its parent with postMessage (Wazzup's "deal events")
  window.addEventListener('message', function (event) {
    if (!windowOrigin || event.origin !== windowOrigin || !opener || event.source !== frame.contentWindow) {
      return;
    }
    var msg = event.data || {};
    var type = msg.type || msg.event;
    var data = msg.data || {};
    if (type === 'WZ_CREATE_ENTITY') {
      if (fire(opener, 'wazzup-create-entity', data, true)) {
        opener.createDeal(data);
      }
    } else if (type === 'WZ_OPEN_ENTITY') {
      var link = data.entity && httpLink(data.entity.link);
      if (fire(opener, 'wazzup-open-entity', data, true) && link) {
        window.open(link, '_blank', 'noopener');
      }
    }
  });

  class WazzupChatButton extends HTMLElement {
    constructor() {
      super();
      this.attachShadow({ mode: 'open' });
      this._timer = null;
      this._onVisible = this.refreshCounter.bind(this);
    }

    get endpoint() {
      return (this.getAttribute('endpoint') || '/wazzup/chat').replace(/\/+$/, '');
    }

    get scope() {
      return this.getAttribute('scope') || 'global';
    }

    connectedCallback() {
      var label = this.getAttribute('label') || (this.scope === 'global' ? 'Chats' : 'Chat');
      this.shadowRoot.innerHTML = '<style>' + STYLE + '</style><button type="button" part="button">' + ICON +
        '<span part="label"></span><span class="badge none" part="badge" hidden></span></button>';
      this._button = this.shadowRoot.querySelector('button');
      this._badge = this.shadowRoot.querySelector('.badge');
      this.shadowRoot.querySelector('[part=label]').textContent = label;
      this._button.setAttribute('aria-label', label);
      this._button.addEventListener('click', this.open.bind(this));
      if (this.scope === 'global' && !this.hasAttribute('no-counter')) {
        document.addEventListener('visibilitychange', this._onVisible);
        this._backoff = 0;
        if (this.getAttribute('stream') !== 'off' && window.EventSource !== undefined) {
          this._join();
        } else {
          this.refreshCounter();
          this._startPolling();
        }
      }
    }

    disconnectedCallback() {
      this._gone = true;
      this._stopPolling();
      if (this._stream) {
        this._stream.close();
        this._stream = null;
      }
      if (this._retry) {
        window.clearTimeout(this._retry);
        this._retry = null;
      }
      if (this._release) {
        this._release(); // another tab of this user takes the stream over
        this._release = null;
      }
      if (this._channel) {
        this._channel.close();
        this._channel = null;
      }
      document.removeEventListener('visibilitychange', this._onVisible);
    }

    _startPolling() {
      if (!this._timer && !this._gone) {
        var seconds = Math.max(5, parseInt(this.getAttribute('poll') || '30', 10) || 30);
        this._timer = window.setInterval(this.refreshCounter.bind(this), seconds * 1000);
      }
    }

    _stopPolling() {
      if (this._timer) {
        window.clearInterval(this._timer);
        this._timer = null;
      }
    }

    /**
     * The tabs of one user share one stream: the counter (one request) names the user's channel; the tab
     * holding the channel's lock streams and passes each value on, the others listen. When it closes, the
     * next tab takes the lock. Without Web Locks or BroadcastChannel, each tab streams on its own.
     */
    _join() {
      var self = this;
      if (!navigator.locks || window.BroadcastChannel === undefined) {
        this._connectStream();
        return;
      }
      fetch(this.endpoint + '/counter', { credentials: 'same-origin', headers: { Accept: 'application/json' } })
        .then(readJson)
        .then(function (c) {
          if (self._gone) {
            return;
          }
          self._show(c);
          if (!c || typeof c.channel !== 'string') {
            self._connectStream();
            return;
          }
          var name = 'wazzup-counter-' + c.channel;
          self._channel = new BroadcastChannel(name);
          self._channel.onmessage = function (ev) {
            var m = ev.data || {};
            if (m.type === 'counter' && !self._leading) {
              self._live(!!m.live);
              self._show(m.counter);
            } else if (m.type === 'hello' && self._leading && self._last) {
              self._channel.postMessage({ type: 'counter', counter: self._last, live: self.getAttribute('data-live') === 'on' });
            }
          };
          self._channel.postMessage({ type: 'hello' }); // the tab that streams answers with the counter it has
          self._startPolling(); // until a stream's value arrives, here or from another tab
          navigator.locks.request(name, function () {
            if (self._gone) {
              return null;
            }
            self._leading = true;
            self._connectStream();
            return new Promise(function (release) {
              self._release = release;
            });
          }).catch(function () { /* the lock could not be had: this tab keeps listening and polling */ });
        })
        .catch(function () {
          self._connectStream(); // no counter: try the stream anyway (it falls back to polling)
        });
    }

    /** The stream; when it fails for good (refused, not an event stream): poll, and try again later. */
    _connectStream() {
      var self = this;
      if (this._gone) {
        return;
      }
      var es = new EventSource(this.endpoint + '/stream');
      this._stream = es;
      es.addEventListener('counter', function (ev) {
        var c = null;
        try {
          c = JSON.parse(ev.data);
        } catch (ignored) {
          return;
        }
        self._backoff = 0; // a stream that delivers: the next failure starts the pauses over
        self._live(true);
        self._show(c);
      });
      es.onerror = function () {
        if (self._stream !== es) {
          return;
        }
        self._live(false);
        self._startPolling(); // the first poll after the interval: a node's restart is not met by every page at once
        if (es.readyState !== EventSource.CLOSED) {
          return; // the browser connects again itself, after the stream's retry: (2 to 5 s)
        }
        // refused (401, 404 with streaming off, 429/503 over the limits) or not a stream: later, growing pauses
        es.close();
        self._stream = null;
        self.refreshCounter();
        var delay = Math.min(300000, 5000 * Math.pow(2, Math.min(self._backoff++, 6)));
        self._retry = window.setTimeout(function () {
          self._retry = null;
          if (!self._gone && !self._stream) {
            self._connectStream();
          }
        }, delay * (0.75 + Math.random() / 2));
      };
    }

    _live(on) {
      this.setAttribute('data-live', on ? 'on' : 'off');
      if (on) {
        this._stopPolling();
      }
    }

    /** Shows a counter as the connector gives it (and, in the tab that streams, passes it to the others). */
    _show(c) {
      this._last = c;
      if (this._leading && this._channel) {
        this._channel.postMessage({ type: 'counter', counter: c, live: this.getAttribute('data-live') === 'on' });
      }
      var count = c && typeof c.count === 'number' ? c.count : 0;
      this._badge.textContent = count > 99 ? '99+' : String(count);
      this._badge.className = 'badge ' + (c && c.colour ? c.colour : 'none');
      this._badge.hidden = count === 0;
      this._button.setAttribute('aria-label', (this.getAttribute('label') || 'Chats') +
        (count ? ', ' + count + ' unanswered' : ''));
      this._button.title = count && c.lastMessageAt ? 'Last unanswered message: ' +
        new Date(c.lastMessageAt).toLocaleString() : '';
      this.setAttribute('data-count', String(count));
    }

    focus() {
      if (this._button) {
        this._button.focus();
      }
    }

    /** Asks for the counter and shows it; a failure keeps the badge as it was. */
    refreshCounter(followUp) {
      if (this.scope !== 'global' || this.hasAttribute('no-counter') || document.visibilityState === 'hidden'
          || this.getAttribute('data-live') === 'on') {
        return Promise.resolve(); // a live stream brings every change by itself
      }
      var self = this;
      return fetch(this.endpoint + '/counter', { credentials: 'same-origin', headers: { Accept: 'application/json' } })
        .then(readJson)
        .then(function (c) {
          if (self.getAttribute('data-live') === 'on') {
            return; // the stream brought a value meanwhile: this answer may be older
          }
          self._show(c);
          // a value the connector is refreshing behind this answer: ask once more shortly, not at the next poll
          if (c && c.refreshing && followUp !== true && !self._soon) {
            self._soon = window.setTimeout(function () {
              self._soon = null;
              self.refreshCounter(true); // once per poll: a follow-up asks no further
            }, 1000);
          }
        })
        .catch(function () { /* shown again at the next poll */ });
    }

    /** Opens the chat window of this button's scope. */
    open() {
      var q;
      if (this.scope === 'global') {
        q = 'scope=global';
      } else {
        var id = this.getAttribute('entity-id');
        q = 'scope=card&' + (this.scope === 'deal' ? 'deal' : 'contact') + '=' + encodeURIComponent(id || '');
      }
      var self = this;
      this._button.disabled = true;
      return fetch(this.endpoint + '/window?' + q, { credentials: 'same-origin', headers: { Accept: 'application/json' } })
        .then(readJson)
        .then(function (body) {
          openModal(body.url, self);
        })
        .catch(function (err) {
          if (fire(self, 'wazzup-error', { status: err.status || 0, error: err.code || 'NETWORK', message: err.message }, true)) {
            window.alert(err.message);
          }
        })
        .then(function () {
          self._button.disabled = false;
        });
    }

    /** "+" in the Deals dropdown: the CRM creates the deal for this chat. */
    createDeal(data) {
      var self = this;
      return fetch(this.endpoint + '/deal', {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'X-Wazzup-Chat': '1' },
        body: JSON.stringify({ chatType: data.chatType, chatId: data.chatId, channelId: data.channelId })
      })
        .then(readJson)
        .then(function (deal) {
          fire(self, 'wazzup-deal-created', deal, false);
        })
        .catch(function (err) {
          if (fire(self, 'wazzup-error', { status: err.status || 0, error: err.code || 'NETWORK', message: err.message }, true)) {
            window.alert(err.message);
          }
        });
    }
  }

  window.customElements.define('wazzup-chat-button', WazzupChatButton);
})();

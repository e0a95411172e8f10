import { EVENT_NAMES, METHOD_NAMES } from '../../shared/ipc/methods';

export const BRIDGE_PREFIX = '/__loctelli';

/**
 * The browser side of the dev bridge, as plain JavaScript served at /__loctelli/bridge.js and loaded by
 * the page before the renderer's own scripts. It defines `window.loctelli` with the same methods as the
 * Electron preload (generated from the same method list). Its calls carry the bridge's session cookie
 * (HttpOnly: this script never sees it) and the page's Origin; pushes arrive as Server-Sent Events read
 * with a POST fetch (so that Origin is sent).
 */
export function bridgeClientSource(): string {
  return `(function () {
  'use strict';
  var METHODS = ${JSON.stringify(METHOD_NAMES)};
  var EVENTS = ${JSON.stringify(EVENT_NAMES)};
  var PREFIX = ${JSON.stringify(BRIDGE_PREFIX)};
  var base = (window.__LOCTELLI_BRIDGE_BASE__ || '');

  function invoke(method, args) {
    while (args.length && args[args.length - 1] === undefined) args.pop();
    return fetch(base + PREFIX + '/rpc/' + encodeURIComponent(method), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ args: args }),
      credentials: 'same-origin',
      cache: 'no-store',
    }).then(function (res) {
      return res.json().catch(function () {
        return { ok: false, error: { code: 'internal', message: 'The bridge answered ' + res.status } };
      });
    }, function (err) {
      return { ok: false, error: { code: 'offline', message: 'The console bridge cannot be reached: ' + (err && err.message) } };
    }).then(function (result) {
      if (!result || result.ok !== true) throw (result && result.error) || { code: 'internal', message: 'Bad bridge answer' };
      return result.value;
    });
  }

  var listeners = {};
  var stream = null;
  function dispatch(name, payload) {
    var set = listeners[name];
    if (!set) return;
    set.forEach(function (l) {
      try { l(payload); } catch (e) { console.error('loctelli: a listener of ' + name + ' threw', e); }
    });
  }
  function openStream() {
    if (stream) return;
    var controller = new AbortController();
    stream = controller;
    var retry = 500;
    (function connect() {
      if (stream !== controller) return;
      fetch(base + PREFIX + '/events', { method: 'POST', headers: { accept: 'text/event-stream' }, credentials: 'same-origin', signal: controller.signal, cache: 'no-store' })
        .then(function (res) {
          if (!res.ok || !res.body) throw new Error('events ' + res.status);
          retry = 500;
          var reader = res.body.getReader();
          var decoder = new TextDecoder();
          var buffer = '';
          function pump() {
            return reader.read().then(function (chunk) {
              if (chunk.done) throw new Error('events stream ended');
              buffer += decoder.decode(chunk.value, { stream: true });
              var at;
              while ((at = buffer.indexOf('\\n\\n')) >= 0) {
                var block = buffer.slice(0, at);
                buffer = buffer.slice(at + 2);
                var name = 'message', data = '';
                block.split('\\n').forEach(function (line) {
                  if (line.indexOf('event: ') === 0) name = line.slice(7);
                  else if (line.indexOf('data: ') === 0) data += line.slice(6);
                });
                if (data) { try { dispatch(name, JSON.parse(data)); } catch (e) { console.error(e); } }
              }
              return pump();
            });
          }
          return pump();
        })
        .catch(function () {
          if (stream !== controller) return;
          setTimeout(connect, retry);
          retry = Math.min(retry * 2, 5000);
        });
    })();
  }
  function closeStream() {
    if (stream) stream.abort();
    stream = null;
  }

  var api = {};
  METHODS.forEach(function (m) {
    var dot = m.indexOf('.');
    var ns = m.slice(0, dot), name = m.slice(dot + 1);
    api[ns] = api[ns] || {};
    api[ns][name] = function () { return invoke(m, Array.prototype.slice.call(arguments)); };
  });
  api.on = function (event, listener) {
    if (EVENTS.indexOf(event) < 0) throw new Error('Unknown event "' + event + '"');
    if (typeof listener !== 'function') throw new Error('on(event, listener): listener must be a function');
    (listeners[event] = listeners[event] || new Set()).add(listener);
    openStream();
    return function () {
      listeners[event].delete(listener);
      var any = Object.keys(listeners).some(function (k) { return listeners[k].size > 0; });
      if (!any) closeStream();
    };
  };
  Object.keys(api).forEach(function (k) { if (typeof api[k] === 'object') Object.freeze(api[k]); });
  Object.defineProperty(window, 'loctelli', { value: Object.freeze(api), enumerable: true, configurable: false, writable: false });
})();
`;
}

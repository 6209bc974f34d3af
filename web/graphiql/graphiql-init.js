// GraphiQL for this server's GraphQL endpoint. Kept in a file (no inline script) so the page works under the
// strict Content-Security-Policy the server sends. React, ReactDOM and GraphiQL are the UMD builds loaded
// before this file (window.React, window.ReactDOM, window.GraphiQL).
(function () {
  'use strict';

  const endpoint = '/graphql';
  const subscriptionUrl = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + endpoint;

  const defaultQuery = [
    '# Dihya GraphQL. To run as a signed-in user, open "Headers" below and paste your access',
    '# token after "Bearer ": {"Authorization": "Bearer <token>"}. It is sent with each request',
    '# (and, for subscriptions, in the WebSocket connection_init payload).',
    '# Run with Ctrl-Enter or the ▶ button; Ctrl-Space completes.',
    '{',
    '  me {',
    '    id',
    '    email',
    '  }',
    '}',
    '',
  ].join('\n');
  const defaultHeaders = JSON.stringify({ Authorization: 'Bearer ' }, null, 2);

  // Fallback when this GraphiQL build has no createFetcher: plain JSON over POST (no subscriptions).
  function postFetcher(params, options) {
    const headers = Object.assign(
      { 'Content-Type': 'application/json', Accept: 'application/graphql-response+json, application/json' },
      options && options.headers,
    );
    return fetch(endpoint, { method: 'POST', headers, body: JSON.stringify(params), credentials: 'same-origin' })
      .then((response) => response.json());
  }

  const inner = typeof GraphiQL.createFetcher === 'function'
    ? GraphiQL.createFetcher({ url: endpoint, subscriptionUrl })
    : postFetcher;

  // The headers editor starts with an empty "Bearer " as a hint: drop it until a token is pasted, so anonymous
  // requests (introspection included) are not refused for a malformed Authorization header.
  function fetcher(params, options) {
    const headers = Object.assign({}, options && options.headers);
    for (const name of Object.keys(headers)) {
      const value = headers[name];
      if (name.toLowerCase() === 'authorization' && (value == null || /^\s*(bearer)?\s*$/i.test(String(value)))) {
        delete headers[name];
      }
    }
    return inner(params, Object.assign({}, options, { headers }));
  }

  const root = ReactDOM.createRoot(document.getElementById('graphiql'));
  root.render(
    React.createElement(GraphiQL, {
      fetcher,
      defaultQuery,
      defaultHeaders,
      isHeadersEditorEnabled: true,
      defaultEditorToolsVisibility: 'headers',
      shouldPersistHeaders: false, // the token stays out of localStorage
    }),
  );
})();

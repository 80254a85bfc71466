// The SPARQL editor of cph-kg serve: YASGUI on this server's endpoint only, with no endpoint
// catalogue, no saved tabs, nothing read from the page's URL and nothing fetched from elsewhere.
// A named query chosen on the page (/sparql?named=NAME) is put in the editor.
(function () {
  "use strict";
  var initial = JSON.parse(document.getElementById("initial-query").textContent);
  var yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: "/query", method: "POST" },
    copyEndpointOnNewTab: false,
    endpointCatalogueOptions: { getData: function () { return []; } },
    persistenceId: null,
    populateFromUrl: false,
    autofocus: false
  });
  if (initial) {
    yasgui.getTab().setQuery(initial);
  }
  window.cphKgEditor = yasgui;
}());

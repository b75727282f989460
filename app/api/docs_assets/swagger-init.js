// Starts Swagger UI on /v1/docs (app/api/openapi.py). A file of this server, not an
// inline script: the page's Content-Security-Policy allows scripts from 'self' only.
// The settings come from the page's JSON data block (data is not script, CSP allows it).
"use strict";
(function () {
  var config = JSON.parse(document.getElementById("swagger-config").textContent);
  config.dom_id = "#swagger-ui";
  config.presets = [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset];
  config.oauth2RedirectUrl = window.location.origin + config.oauth2RedirectPath;
  delete config.oauth2RedirectPath;
  window.ui = SwaggerUIBundle(config);
})();

// Swagger UI over this server's own OpenAPI description (no inline script: the CSP allows none).
if (window.SwaggerUIBundle) {
  window.ui = SwaggerUIBundle({url: "/openapi.json", dom_id: "#swagger-ui", deepLinking: true});
}

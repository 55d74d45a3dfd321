"""The archive's own Datasette pages (graph, diff, history, capture, search): one
module per page, each an async route handler rendering a template under
../templates with Datasette's `render_template` (so they extend base.html)."""

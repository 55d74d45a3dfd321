"""What researchers see: Datasette serving the archive (metadata, plugins, pages),
rendered graphs and timelines, and the offline demo."""

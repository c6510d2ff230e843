"""Server-rendered staff pages, one module per area; each registers its routes on a router."""

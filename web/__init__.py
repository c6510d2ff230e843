"""The staff web app and the JSON API (``advocacy serve``); ``web.app.create_app`` builds it."""

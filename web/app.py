"""The application factory. There is no module-level app: ``create_app()`` builds one."""

from __future__ import annotations

import logging

from flask import Flask
from flask.json.provider import DefaultJSONProvider

from index.config import Config
from search.backend import open_backend

from . import downloads, errors, feeds, security, views
from .converters import ArticleIdConverter


class JSONProvider(DefaultJSONProvider):
    """Keep the documented key order, and write non-ASCII text as itself."""

    sort_keys = False
    ensure_ascii = False


def create_app(config: Config | None = None) -> Flask:
    """Build the web app around one search backend (``search.backend.open_backend``: opened
    lazily, reused by all requests; the views never learn which backend it is)."""
    config = config or Config.from_env()
    app = Flask(__name__)
    app.json = JSONProvider(app)
    app.extensions["artsearch"] = open_backend(config)
    app.url_map.converters["article_id"] = ArticleIdConverter
    app.register_blueprint(views.bp)
    app.register_blueprint(downloads.bp)
    app.register_blueprint(feeds.bp)
    errors.init_app(app)
    security.init_app(app)
    app.logger.setLevel(logging.INFO)
    return app

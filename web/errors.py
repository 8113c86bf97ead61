"""Every error becomes a friendly page or a JSON body: never a traceback."""

from __future__ import annotations

from flask import jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from index.errors import ArtsearchError


def wants_json() -> bool:
    # A JSON Lines export that cannot start answers in JSON too: its reader is a script.
    return request.path.startswith("/api/") or request.path.endswith((".json", ".jsonl"))


def error_response(status: int, title: str, message: str, kind: str):
    if wants_json():
        return jsonify({"error": message, "type": kind, "status": status}), status
    return render_template("error.html", title=title, message=message, status=status), status


def init_app(app) -> None:
    @app.errorhandler(ArtsearchError)
    def handle_artsearch_error(error: ArtsearchError):
        status = error.status if 400 <= error.status < 600 else 500
        return error_response(status, error.title, error.get_message(), type(error).__name__)

    @app.errorhandler(HTTPException)
    def handle_http_error(error: HTTPException):
        return error_response(error.code or 500, error.name, error.description or error.name, error.name)

    @app.errorhandler(Exception)
    def handle_unexpected(error: Exception):
        # The one catch-all: log the traceback for maintainers, show users a sentence.
        app.logger.exception("Unhandled error on %s", request.path)
        return error_response(500, "Something went wrong",
                              "The server hit an unexpected error. It has been logged.", "InternalError")

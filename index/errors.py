"""One error hierarchy for every layer; each error carries the HTTP status it maps to."""


class ArtsearchError(Exception):
    """Base class: a message meant for a human, plus an HTTP status."""

    status = 500
    title = "Error"

    def __init__(self, message: str, *, status: int | None = None):
        super().__init__(message)
        self.message = message
        if status is not None:
            self.status = status

    def get_message(self) -> str:
        """Return the message, with the underlying cause appended when there is one."""
        if self.__cause__ is not None and str(self.__cause__):
            return f"{self.message} ({self.__cause__})"
        return self.message


class CorpusError(ArtsearchError):
    """A source could not be read at all (missing file, unknown format)."""

    title = "Corpus error"


class IndexMissingError(ArtsearchError):
    """No index has been built yet."""

    status = 503
    title = "No index yet"


class IndexLockedError(ArtsearchError):
    """Another reindex holds the index lock."""

    status = 409
    title = "Index busy"


class SchemaMismatchError(ArtsearchError):
    """The index on disk was built by an incompatible version of artsearch."""

    status = 503
    title = "Index needs a rebuild"


class QueryError(ArtsearchError):
    """The query text could not be understood."""

    status = 400
    title = "Query error"


class InvalidFilterError(ArtsearchError):
    """A filter or request parameter is invalid."""

    status = 400
    title = "Invalid parameter"


class NotFoundError(ArtsearchError):
    """The requested article does not exist."""

    status = 404
    title = "Not found"


class QueryTooBroadError(ArtsearchError):
    """A part of the query would cost more than the configured limits allow."""

    status = 400
    title = "Query too broad"


class SearchTimeoutError(ArtsearchError):
    """The search ran out of its time budget; the message names the slow part."""

    status = 503
    title = "Search took too long"


class ClientGoneError(ArtsearchError):
    """The client hung up; the work for it was stopped. Nobody reads this answer."""

    status = 503
    title = "Client gone"


class IndexDamagedError(ArtsearchError):
    """Files of the live index are missing, truncated or unreadable."""

    status = 503
    title = "Index damaged"

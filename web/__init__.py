"""The Flask front end and the ``artsearch`` command line."""

"""Runs on another machine: ``trainfer run … --events jsonl`` started over SSH.

:mod:`~engine.session.remote.stream` is the JSON-lines event format the remote process
writes on its stdout; :mod:`~engine.session.remote.command` builds the command line that
starts it through the system's OpenSSH client; :mod:`~engine.session.remote.session`
reads the stream into the same events, store and consumers as a local run.
"""

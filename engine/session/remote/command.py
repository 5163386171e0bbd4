"""The command line that starts a run on another machine through OpenSSH.

``ssh -T -o BatchMode=yes HOST -- trainfer run --model … --events jsonl --stdin-control``:
the system's own ``ssh`` client, so the user's keys, agent and ``~/.ssh/config`` (ports, jump hosts,
user names) apply, and nothing listens on a new port. ``BatchMode`` makes a host that
would ask for a password fail at once (exit 255) instead of waiting for a prompt nobody
sees; ``-T`` asks for no terminal, so stdout carries the JSON lines untouched.

The transport prefix can be replaced (``TRAINFER_SSH``, or ``transport=`` in code): tests
run the same path with a script that ignores the host and starts ``trainfer`` locally.
"""

from __future__ import annotations

import dataclasses
import os
import shlex
from collections.abc import Sequence

from engine.core.config import ConfigError, RunConfig, setting
from engine.core.values import msg

SSH = ("ssh", "-T", "-o", "BatchMode=yes")
"""The default transport prefix; the host and ``--`` and the remote command follow."""
TRANSPORT_ENV = "TRAINFER_SSH"
"""Environment variable with another transport prefix (split as a shell would)."""
REMOTE_COMMAND = "trainfer"
"""The remote command's default name (a remote virtual environment: its full path)."""
REMOTE_COMMAND_ENV = "TRAINFER_REMOTE_TRAINFER"
"""Environment variable with the remote command when none is given (``~/venv/bin/trainfer``)."""

_FLAGS = (
    ("mode", "--mode"), ("device", "--device"), ("batch_size", "--batch-size"),
    ("precision", "--precision"), ("optimizer", "--optimizer"), ("kernels", "--kernels"),
    ("learning_rate", "--lr"), ("warmup_steps", "--warmup-steps"),
    ("input_size", "--input-size"), ("seed", "--seed"), ("quantize", "--quantize"),
    ("generate_tokens", "--generate-tokens"), ("save_weights", "--save-weights"),
    ("load_weights", "--load-weights"), ("heldout_samples", "--heldout-samples"),
    ("nproc_per_node", "--nproc-per-node"), ("seconds", "--seconds"), ("steps", "--steps"),
)
"""RunConfig field -> ``trainfer run`` option, for every field the command line takes."""
LOCAL_ONLY = ("loader_workers", "pin_memory")
"""RunConfig fields the command line does not take (a DataLoader feeding the run: the
data-flow experiment's, run on this machine); a remote run refuses them when set."""


def transport_prefix(transport: Sequence[str] | None = None) -> list[str]:
    """The command that reaches the host: ``transport``, else ``$TRAINFER_SSH``, else ssh."""
    if transport is not None:
        return list(transport)
    env = os.environ.get(TRANSPORT_ENV, "").strip()
    return shlex.split(env) if env else list(SSH)


def default_remote_trainfer() -> str:
    """``$TRAINFER_REMOTE_TRAINFER``, else :data:`REMOTE_COMMAND`."""
    return os.environ.get(REMOTE_COMMAND_ENV, "").strip() or REMOTE_COMMAND


def run_options(cfg: RunConfig) -> list[str]:
    """``cfg`` as ``trainfer run`` options (``["--model", "mlp", "--mode", "train", …]``).

    Values equal to the command line's defaults are still given, so a remote Trainfer with
    other defaults runs the same configuration.

    Raises:
        ConfigError: A setting the command line cannot give (:data:`LOCAL_ONLY`: a
            DataLoader feeding the run, for the data-flow experiment on this machine).
    """
    given = {"model", *(name for name, _flag in _FLAGS)}
    for f in dataclasses.fields(RunConfig):
        if f.name not in given and getattr(cfg, f.name) != f.default:
            raise ConfigError(f.name, msg("remote.setting_local_only", setting=setting(f.name)))
    out = ["--model", cfg.model]
    for name, flag in _FLAGS:
        value = getattr(cfg, name)
        if value is None or value == "" or (name == "generate_tokens" and not value):
            continue
        if (name, value) in (("quantize", "none"), ("nproc_per_node", 1)):
            continue
        out += [flag, repr(value) if isinstance(value, float) else str(value)]
    return out


def remote_command(host: str, cfg: RunConfig, *, remote_trainfer: str = "",
                   transport: Sequence[str] | None = None) -> list[str]:
    """The whole command: transport prefix, host, ``--``, remote ``trainfer run …``.

    The remote run gets ``--events jsonl --stdin-control``: its events come back on
    stdout, and it stops when told on stdin or when stdin ends.

    The remote part is one string for the remote user's shell (OpenSSH hands it over
    joined by spaces): ``remote_trainfer`` as it is written, a shell's words (``~/venv/bin/
    trainfer``, ``python3 -m engine``; ``""``: :func:`default_remote_trainfer`), then the
    options, each quoted.

    Raises:
        ConfigError: ``host`` is empty or starts with ``-`` (it would be read as an ssh
            option), or a setting the command line cannot give (:func:`run_options`).
    """
    if not host.strip() or host.startswith("-") or any(c.isspace() for c in host):
        raise ConfigError("host", msg("remote.bad_host", host=host))
    words = ["run", *run_options(cfg), "--events", "jsonl", "--stdin-control"]
    return [*transport_prefix(transport), host, "--",
            f"{remote_trainfer or default_remote_trainfer()} {shlex.join(words)}"]

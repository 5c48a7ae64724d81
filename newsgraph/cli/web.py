"""Commands for looking at the knowledge base: `report` (one HTML file) and `serve` (the web app)."""

from __future__ import annotations

import click

from newsgraph.cli.group import db_option, main, pass_store, quiet_option
from newsgraph.techniques import DEFAULT_MIN_SCORE


@main.command()
@pass_store
@click.option("-o", "--output", default="dossier.html", show_default=True, type=click.Path(dir_okay=False, writable=True),
              help="Where to write the report.")
@click.option("--min-score", type=click.FloatRange(0, 1), default=None,
              help="Show only technique spans scored at least this (0-1; default: the min-score the build's techniques "
                   f"model chose when it was trained, else {DEFAULT_MIN_SCORE}).")
@quiet_option
def report(store, output, min_score, quiet):
    """Write the dossier: one self-contained HTML file (no network requests) with the overview, actor network,
    money, disagreements, timeline, voices and every cited document, each fact linked to its sentence."""
    from newsgraph.outputs.report import write_report

    write_report(store.conn, output, min_score)
    click.echo(output)


@main.command()
@db_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to bind; only this machine can connect by default.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="Port to listen on.")
@click.option("--allow-host", "allow_hosts", multiple=True, metavar="NAME",
              help="Another host name or address clients may use to reach the app (repeatable); requests naming any other "
                   "host are refused, so a web page cannot reach the app through a rebound DNS name.")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64),
              help="Server processes sharing the port; each has its own cache (2 uses both cores of a 2-core machine).")
def serve(db, host, port, allow_hosts, workers):
    """Serve the knowledge base read-only as a web app (HTML pages, JSON twins, OpenAPI description at /openapi.json)."""
    import json
    import os

    import uvicorn

    from newsgraph.outputs.web import create_app

    allowed = _allowed_hosts(host, allow_hosts)
    app = create_app(db, allowed_hosts=allowed)  # a missing or foreign database fails here with newsgraph's message
    sock = _bind(host, port)
    if host in WILDCARDS:
        click.echo(f"Warning: serving on {host}: the app is reachable from the network by anyone who can reach this machine. "
                   f"Requests must name one of: {', '.join(sorted(allowed))} (add others with --allow-host).", err=True)
    elif host not in LOOPBACK:
        click.echo(f"Warning: serving on {host}: anyone who can reach this address can read the knowledge base.", err=True)
    shown = f"[{host}]" if ":" in host else host
    click.echo(f"newsgraph: http://{shown}:{sock.getsockname()[1]}/ (Ctrl+C to stop)", err=True)
    if workers == 1:
        uvicorn.Server(uvicorn.Config(app, log_level="warning")).run(sockets=[sock])
        return
    from uvicorn.supervisors import Multiprocess

    from newsgraph.outputs.web.app import SERVE_SETTINGS

    # Worker processes are started afresh and import the app by name; this is how they learn what to serve.
    os.environ[SERVE_SETTINGS] = json.dumps({"db": db, "allowed_hosts": allowed})
    config = uvicorn.Config("newsgraph.outputs.web.app:app_from_environment", factory=True, workers=workers, log_level="warning")
    Multiprocess(config, sockets=[sock]).run()



LOOPBACK = ("127.0.0.1", "localhost", "::1")
WILDCARDS = ("0.0.0.0", "::", "")


def _allowed_hosts(host: str, extra) -> list[str]:
    """Host header values accepted: loopback names, the bound address, and for a wildcard this machine's names and addresses."""
    import socket

    names = {"localhost", "127.0.0.1", "::1", "[::1]"} | {h.lower() for h in extra}
    if host in WILDCARDS:
        for name in {socket.gethostname(), socket.getfqdn()}:
            names.add(name.lower())
            try:
                names |= {info[4][0] for info in socket.getaddrinfo(name, None)}
            except OSError:
                pass
    else:
        names.add(host.lower())
    return sorted(names | {f"[{n}]" for n in names if ":" in n and not n.startswith("[")})


def _bind(host: str, port: int):
    """A listening socket, or a clear error when the address is taken or cannot be used."""
    import errno
    import socket

    from newsgraph.errors import AddressUnavailable

    try:
        family = socket.getaddrinfo(host or None, port, type=socket.SOCK_STREAM)[0][0]
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(2048)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise AddressUnavailable(f"port {port} on {host} is already in use; stop the other server or pick another --port") from None
        raise AddressUnavailable(f"cannot listen on {host}:{port} ({exc.strerror or exc})") from None
    sock.set_inheritable(True)
    return sock

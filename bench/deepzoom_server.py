"""A Deep Zoom tile server in the manner of OpenSlide's example server, as the benchmark's
HTTP reference: `DeepZoomGenerator.get_tile` + JPEG (quality 75) per request, tiles of
254 px with 1 px overlap, keep-alive HTTP/1.1, a thread per connection, and several
processes sharing one listening socket (as gunicorn's workers do).

    python bench/deepzoom_server.py SLIDE_FILE PORT [--processes 2]

`GET /tile/X_Y.jpeg` answers the tile at the deepest level. Runs until terminated.
"""

from __future__ import annotations

import argparse
import io
import os
import re
import signal
import socket
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import openslide
from openslide.deepzoom import DeepZoomGenerator

TILE = re.compile(r"^/tile/(\d+)_(\d+)\.jpeg$")


def handler_for(generator: DeepZoomGenerator) -> type[BaseHTTPRequestHandler]:
    level = generator.level_count - 1

    class Tiles(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            found = TILE.match(self.path)
            try:
                if not found:
                    raise ValueError(self.path)
                tile = generator.get_tile(level, (int(found[1]), int(found[2])))
            except ValueError:
                self.send_error(404)
                return
            buffer = io.BytesIO()
            tile.save(buffer, "JPEG", quality=75)
            body = buffer.getvalue()
            self.send_response(200)
            self.send_header("Content-Type", "image/jpeg")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Tiles


def serve(slide_file: str, listener: socket.socket) -> None:
    generator = DeepZoomGenerator(openslide.OpenSlide(slide_file), tile_size=254, overlap=1)
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler_for(generator), bind_and_activate=False)
    server.socket.close()
    server.socket = listener
    server.daemon_threads = True
    server.serve_forever()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("slide_file")
    parser.add_argument("port", type=int)
    parser.add_argument("--processes", type=int, default=2)
    args = parser.parse_args()
    listener = socket.create_server(("127.0.0.1", args.port), backlog=1024)
    children = []
    for _ in range(args.processes):
        pid = os.fork()
        if pid == 0:
            serve(args.slide_file, listener)
            sys.exit(0)
        children.append(pid)

    def stop(signum: int, frame: object) -> None:
        for child in children:
            os.kill(child, signal.SIGTERM)
        sys.exit(0)

    signal.signal(signal.SIGTERM, stop)
    for _ in children:
        os.wait()


if __name__ == "__main__":
    main()

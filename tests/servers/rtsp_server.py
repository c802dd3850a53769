"""A real RTSP server (GStreamer's gst-rtsp-server) serving a video file as H.264.

Run with Debian's system Python, which has the GObject bindings::

    /usr/bin/python3 tests/servers/rtsp_server.py VIDEO [--user U --password P] [--path /live]

Binds 127.0.0.1 on a free port and prints ``PORT <n>`` on standard output once it serves.
"""

from __future__ import annotations

import argparse
import sys

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtspServer  # noqa: E402


def encoder() -> str:
    """Return the first H.264 encoder element available."""
    for name, props in (
        ("x264enc", "tune=zerolatency speed-preset=ultrafast key-int-max=10 bitrate=1500"),
        ("openh264enc", "gop-size=10"),
        ("avenc_h264_omx", ""),
    ):
        if Gst.ElementFactory.find(name) is not None:
            return f"{name} {props}"
    sys.exit("no H.264 encoder: install gstreamer1.0-plugins-ugly (x264enc)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("video")
    parser.add_argument("--path", default="/live")
    parser.add_argument("--user")
    parser.add_argument("--password")
    args = parser.parse_args()
    Gst.init(None)
    server = GstRtspServer.RTSPServer()
    server.set_address("127.0.0.1")
    server.set_service("0")
    factory = GstRtspServer.RTSPMediaFactory()
    launch = (
        f'( filesrc location="{args.video}" ! decodebin ! videoconvert ! '
        f"video/x-raw,format=I420 ! {encoder()} ! h264parse ! "
        "rtph264pay name=pay0 pt=96 config-interval=1 )"
    )
    factory.set_launch(launch)
    factory.set_shared(False)
    if args.user:
        auth = GstRtspServer.RTSPAuth()
        token = GstRtspServer.RTSPToken()
        token.set_string("media.factory.role", "viewer")
        auth.add_basic(GstRtspServer.RTSPAuth.make_basic(args.user, args.password or ""), token)
        server.set_auth(auth)
        perms = GstRtspServer.RTSPPermissions()
        perms.add_permission_for_role("viewer", "media.factory.access", True)
        perms.add_permission_for_role("viewer", "media.factory.construct", True)
        factory.set_permissions(perms)
    server.get_mount_points().add_factory(args.path, factory)
    server.attach(None)
    print(f"PORT {server.get_bound_port()}", flush=True)
    GLib.MainLoop().run()


if __name__ == "__main__":
    main()

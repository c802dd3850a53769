"""Real servers the capture tests start on 127.0.0.1: HTTP MJPEG/snapshot, a stalling one, RTSP."""
